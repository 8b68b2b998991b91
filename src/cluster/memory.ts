/**
 * The memory engine: hosts that share one in-process hub (one host by default, where it
 * carries nothing; several in tests, to stand in for hosts).
 *
 * @example
 * const hub = new MemoryHub();
 * const a = new MemoryEngine(hub), b = new MemoryEngine(hub);
 */
import type { ClusterEngine, EngineState } from "./ClusterEngine.ts";

export class MemoryHub {
  readonly engines = new Set<MemoryEngine>();
}

export class MemoryEngine implements ClusterEngine {
  readonly #channels = new Set<string>();
  #handler: ((channel: string, frame: string) => void) | null = null;

  constructor(private readonly hub: MemoryHub = new MemoryHub()) {
    hub.engines.add(this);
  }

  publish(channel: string, frame: string): void {
    for (const engine of this.hub.engines) {
      // Delivered in a later microtask, as a network would, but in publish order.
      if (engine !== this && engine.#channels.has(channel)) queueMicrotask(() => engine.#receive(channel, frame));
    }
  }

  subscribe(channel: string): void {
    this.#channels.add(channel);
  }

  unsubscribe(channel: string): void {
    this.#channels.delete(channel);
  }

  onPublication(handler: (channel: string, frame: string) => void): void {
    this.#handler = handler;
  }

  state(): EngineState {
    return "ready";
  }

  close(): Promise<void> {
    this.hub.engines.delete(this);
    return Promise.resolve();
  }

  #receive(channel: string, frame: string): void {
    if (this.#channels.has(channel)) this.#handler?.(channel, frame);
  }
}
