/**
 * The memory engine: hosts that share one in-process hub (one host by default, where it
 * carries nothing; several in tests, to stand in for hosts). It has no shared history:
 * each broker keeps its own (src/history/memory.ts).
 *
 * @example
 * const hub = new MemoryHub();
 * const a = new MemoryEngine(hub), b = new MemoryEngine(hub);
 */
import type { ClusterEngine, EngineState } from "./ClusterEngine.ts";
import type { Publication } from "../protocol/publication.ts";

export class MemoryHub {
  readonly engines = new Set<MemoryEngine>();
}

export class MemoryEngine implements ClusterEngine {
  readonly #channels = new Set<string>();
  #handler: ((pub: Publication) => void) | null = null;

  constructor(private readonly hub: MemoryHub = new MemoryHub()) {
    hub.engines.add(this);
  }

  publish(pub: Publication): void {
    for (const engine of this.hub.engines) {
      // Delivered in a later microtask, as a network would, but in publish order.
      if (engine !== this && engine.#channels.has(pub.ch)) queueMicrotask(() => engine.#receive(pub));
    }
  }

  subscribe(channel: string): void {
    this.#channels.add(channel);
  }

  unsubscribe(channel: string): void {
    this.#channels.delete(channel);
  }

  onPublication(handler: (pub: Publication) => void): void {
    this.#handler = handler;
  }

  state(): EngineState {
    return "ready";
  }

  /** Subscribes and unsubscribes take effect at once here. */
  settle(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.hub.engines.delete(this);
    return Promise.resolve();
  }

  #receive(pub: Publication): void {
    if (this.#channels.has(pub.ch)) this.#handler?.(pub);
  }
}
