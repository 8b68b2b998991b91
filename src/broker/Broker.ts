/**
 * A broker owns a shard of channels: which workers have subscribers for each, and it
 * forwards every publication once to each interested worker. With a cluster engine it
 * also subscribes the engine to channels this host wants, sends local publications out
 * through it, and delivers what other hosts publish. Local delivery never waits for the
 * engine, so it goes on while the engine is down.
 *
 * @example
 * const broker = new Broker();
 * broker.attachWorker(0, link);
 */
import type { Link } from "../threads/Link.ts";
import type { BrokerToWorker, WorkerToBroker } from "../threads/messages.ts";
import type { ClusterEngine, EngineState } from "../cluster/ClusterEngine.ts";

type WorkerLink = Link<WorkerToBroker, BrokerToWorker>;

export class Broker {
  readonly #workers = new Map<number, WorkerLink>();
  /** channel → ids of workers with local subscribers */
  readonly #channels = new Map<string, Set<number>>();
  #engine: ClusterEngine | null = null;

  /** True while an engine is on its way (created asynchronously): not ready until it is. */
  #awaitingEngine: boolean;

  constructor(options: { engine?: ClusterEngine | null; awaitingEngine?: boolean } = {}) {
    this.#awaitingEngine = options.awaitingEngine ?? false;
    if (options.engine) this.useEngine(options.engine);
  }

  /** Carry publications between hosts through this engine from now on. */
  useEngine(engine: ClusterEngine): void {
    this.#engine = engine;
    this.#awaitingEngine = false;
    engine.onPublication((channel, frame) => this.deliver(channel, frame));
    engine.onStateChange?.((state) => {
      for (const link of this.#workers.values()) link.post({ t: "engine", state });
    });
    for (const channel of this.#channels.keys()) engine.subscribe(channel);
    for (const link of this.#workers.values()) link.post({ t: "engine", state: engine.state() });
  }

  engineState(): EngineState {
    if (this.#awaitingEngine) return "connecting";
    return this.#engine?.state() ?? "ready";
  }

  attachWorker(id: number, link: WorkerLink): void {
    this.detachWorker(id);
    this.#workers.set(id, link);
    link.onMessage((message) => this.#handle(id, link, message));
    link.post({ t: "engine", state: this.engineState() });
  }

  /** Forget a worker and every subscription it held (it died or left). */
  detachWorker(id: number): void {
    if (!this.#workers.delete(id)) return;
    for (const [channel, ids] of this.#channels) {
      if (ids.delete(id) && ids.size === 0) this.#drop(channel);
    }
  }

  /** Channels with at least one subscribed worker. */
  channels(): string[] {
    return [...this.#channels.keys()];
  }

  /** Deliver a publication to every interested worker (also used by the cluster engine). */
  deliver(channel: string, frame: string): void {
    const ids = this.#channels.get(channel);
    if (!ids) return;
    for (const id of ids) this.#workers.get(id)?.post({ t: "pub", ch: channel, frame });
  }

  #handle(id: number, link: WorkerLink, message: WorkerToBroker): void {
    switch (message.t) {
      case "pub":
        this.deliver(message.ch, message.frame);
        this.#engine?.publish(message.ch, message.frame);
        return;
      case "sub":
        this.#add(id, message.ch);
        link.post({ t: "subAck", ch: message.ch });
        return;
      case "unsub": {
        const ids = this.#channels.get(message.ch);
        if (ids?.delete(id) && ids.size === 0) this.#drop(message.ch);
        return;
      }
      case "resync":
        for (const channel of message.chs) this.#add(id, channel);
        return;
    }
  }

  #add(id: number, channel: string): void {
    let ids = this.#channels.get(channel);
    if (!ids) {
      this.#channels.set(channel, ids = new Set());
      this.#engine?.subscribe(channel);
    }
    ids.add(id);
  }

  #drop(channel: string): void {
    this.#channels.delete(channel);
    this.#engine?.unsubscribe(channel);
  }

  /** Resolves when the engine has acted on every subscribe and unsubscribe so far. */
  async settle(): Promise<void> {
    await (this.#engine as { settle?: () => Promise<void> } | null)?.settle?.();
  }

  async close(): Promise<void> {
    await this.#engine?.close();
  }
}
