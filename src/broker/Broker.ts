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
import type { Logger } from "../log/logger.ts";

type WorkerLink = Link<WorkerToBroker, BrokerToWorker>;

/** How long a restarted broker holds publications for workers that have not resynced. */
const resyncTimeout = 2000;

export class Broker {
  readonly #workers = new Map<number, WorkerLink>();
  /** Workers a restarted broker still waits on for their channel lists. */
  readonly #awaiting = new Set<number>();
  /** Publications held meanwhile (null when nothing is awaited). */
  #held: Array<{ ch: string; frame: string }> | null = null;
  #resyncTimer: ReturnType<typeof setTimeout> | null = null;
  /** channel → ids of workers with local subscribers */
  readonly #channels = new Map<string, Set<number>>();
  #engine: ClusterEngine | null = null;

  /** True while an engine is on its way (created asynchronously): not ready until it is. */
  #awaitingEngine: boolean;

  readonly #log: Logger | null;

  constructor(options: { engine?: ClusterEngine | null; awaitingEngine?: boolean; log?: Logger } = {}) {
    this.#awaitingEngine = options.awaitingEngine ?? false;
    this.#log = options.log ?? null;
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

  /**
   * Link a worker. `awaitResync` (a restarted broker): publications are held until this
   * worker has sent its channel list, so none overtakes it and misses its subscribers.
   */
  attachWorker(id: number, link: WorkerLink, awaitResync = false): void {
    this.detachWorker(id);
    this.#workers.set(id, link);
    if (awaitResync) {
      this.#awaiting.add(id);
      this.#held ??= [];
      this.#resyncTimer ??= setTimeout(() => this.#resyncDone("timed out"), resyncTimeout);
    }
    link.onMessage((message) => this.#handle(id, link, message));
    link.post({ t: "engine", state: this.engineState() });
  }

  /** Forget a worker and every subscription it held (it died or left). */
  detachWorker(id: number): void {
    if (!this.#workers.delete(id)) return;
    if (this.#awaiting.delete(id) && this.#awaiting.size === 0) this.#resyncDone();
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
        if (this.#held) {
          this.#held.push(message);
          return;
        }
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
        if (this.#awaiting.delete(id) && this.#awaiting.size === 0) this.#resyncDone();
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

  /** Every awaited worker has resynced (or the wait timed out): deliver what was held. */
  #resyncDone(why?: string): void {
    if (this.#resyncTimer) clearTimeout(this.#resyncTimer);
    this.#resyncTimer = null;
    this.#awaiting.clear();
    const held = this.#held ?? [];
    this.#held = null;
    if (why) this.#log?.warn(`Waiting for workers' channel lists ${why}; delivering ${held.length} held publications`);
    for (const message of held) {
      this.deliver(message.ch, message.frame);
      this.#engine?.publish(message.ch, message.frame);
    }
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
