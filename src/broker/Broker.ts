/**
 * A broker owns a shard of channels: which workers have subscribers for each, and it
 * forwards every publication once to each interested worker. On channels whose namespace
 * keeps publications (history, latest) it first appends them to the history store, which
 * gives them their offset and epoch, and answers subscribe reads and `#history`. With a
 * cluster engine it also subscribes the engine to channels this host wants, sends local
 * publications out through it, and delivers what other hosts publish. Local delivery of
 * ephemeral publications never waits for the engine, so it goes on while the engine is down.
 *
 * @example
 * const broker = new Broker({ channels: config.channels });
 * broker.attachWorker(0, link);
 */
import { ForwardConfirmations } from "./ForwardConfirmations.ts";
import { EngineSubscriptions } from "./EngineSubscriptions.ts";
import { forEachId, withId, withoutId, type WorkerIds } from "./workerIds.ts";
import type { Link } from "../threads/Link.ts";
import type { BrokerToWorker, ErrorRecord, WorkerToBroker } from "../threads/messages.ts";
import { ResyncHold } from "./ResyncHold.ts";
import type { ClusterEngine, EngineState } from "../cluster/ClusterEngine.ts";
import type { HistoryStore } from "../history/HistoryStore.ts";
import type { ChannelNamespace } from "../config/channels.ts";
import type { Publication } from "../protocol/publication.ts";
import type { Logger } from "../log/logger.ts";
import { BrokerCaps } from "./connectionCaps.ts";
import { DropReport } from "../cluster/DropReport.ts";
import { BrokerHistory } from "./history.ts";
import { MemoryHistoryStore } from "../history/memory.ts";
import { BrokerPresence } from "./presence.ts";
import { MemoryPresenceStore } from "../presence/memory.ts";
import type { PresenceEvent } from "../presence/PresenceStore.ts";
import { BrokerWebhooks } from "../webhooks/BrokerWebhooks.ts";
import type { WebhookTarget } from "../webhooks/targets.ts";

type WorkerLink = Link<WorkerToBroker, BrokerToWorker>;
type PubMessage = Extract<WorkerToBroker, { t: "pub" }>;

export class Broker {
  readonly #workers = new Map<number, WorkerLink>();
  /** A restarted broker's publications, held until the workers have sent their channel lists (ResyncHold.ts). */
  readonly #hold = new ResyncHold<{ message: PubMessage; link: WorkerLink; id: number }>((held, why) => {
    if (why) this.#log?.warn(`Waiting for workers' channel lists ${why}; delivering ${held.length} held publications`);
    for (const { message, link, id } of held) this.#publish(message, link, id);
  });
  /** `fwd` confirmations of the numbered publications forwarded (ForwardConfirmations.ts). */
  readonly #confirmations = new ForwardConfirmations();
  /** channel → ids of workers with local subscribers */
  readonly #channels = new Map<string, WorkerIds>();
  /** channel → the engine's subscribe still under way */
  readonly #subscribing: EngineSubscriptions;
  #engine: ClusterEngine | null = null;
  #history: BrokerHistory;
  readonly #presence: BrokerPresence;
  readonly #namespaces: readonly ChannelNamespace[];
  /** Publications on kept channels lost because the store failed and nobody could be told (counted, logged every few seconds). */
  readonly #drops: DropReport | null;
  readonly #countDrop = () => this.#drops?.count();
  /** Lifecycle webhooks of this shard's channels (null: no targets configured). */
  readonly webhooks: BrokerWebhooks | null;

  /** True while an engine is on its way (created asynchronously): not ready until it is. */
  #awaitingEngine: boolean;

  readonly #log: Logger | null;
  /** The host's only socket worker, sent every publication whether it subscribed or not (src/config/soleWorkerId.ts). */
  readonly #sole: number | null;
  /** Connection caps (limits.connectionsPerIp, connectionsPerUser) for the keys this broker owns. */
  readonly #caps: BrokerCaps;

  constructor(options: {
    engine?: ClusterEngine | null; awaitingEngine?: boolean; log?: Logger;
    channels?: readonly ChannelNamespace[]; history?: HistoryStore;
    /** Pusher apps are configured: `presence-` channels keep members (src/config/channels.ts). */
    pusherPresence?: boolean;
    /** Webhook targets (src/webhooks/targets.ts); none: no webhooks. */
    webhooks?: WebhookTarget[];
    /** `soleWorkerId(config)`: this worker gets every publication (src/config/soleWorkerId.ts). */
    soleWorker?: number | null;
  } = {}) {
    this.#sole = options.soleWorker ?? null;
    this.#awaitingEngine = options.awaitingEngine ?? false;
    this.#log = options.log ?? null;
    this.#subscribing = new EngineSubscriptions(this.#log);
    this.#drops = this.#log && new DropReport(this.#log, "Dropped publications: the history store failed (nobody asked for an answer)");
    this.#caps = new BrokerCaps(undefined, this.#log);
    this.#namespaces = options.channels ?? [];
    this.#history = new BrokerHistory(this.#namespaces, options.history ?? new MemoryHistoryStore());
    this.webhooks = options.webhooks?.length ? new BrokerWebhooks(options.webhooks, { log: this.#log, awaitingStore: this.#awaitingEngine }) : null;
    this.#presence = new BrokerPresence(this.#namespaces, new MemoryPresenceStore(), (event) => this.deliverPresence(event), this.#log, { pusherPresence: options.pusherPresence, members: this.webhooks });
    if (options.engine) this.useEngine(options.engine);
  }

  /** Carry publications between hosts through this engine from now on (and use its history store, if it has one). */
  useEngine(engine: ClusterEngine): void {
    this.#engine = engine;
    this.#awaitingEngine = false;
    if (engine.history) this.#history = new BrokerHistory(this.#namespaces, engine.history);
    if (engine.caps) this.#caps.useStore(engine.caps);
    if (engine.presence) this.#presence.useStore(engine.presence);
    if (engine.webhooks) this.webhooks?.useStore(engine.webhooks);
    engine.onPublication((pub) => this.deliver(pub));
    engine.onStateChange?.((state) => {
      for (const link of this.#workers.values()) link.post({ t: "engine", state });
    });
    for (const channel of this.#channels.keys()) this.#engineSubscribe(channel);
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
    if (awaitResync) this.#hold.expect([id]);
    link.onMessage((message) => this.#handle(id, link, message));
    link.post({ t: "engine", state: this.engineState() });
  }

  /**
   * A restarted broker: hold every publication until these threads (worker ids, -1 for
   * the main thread) have attached and sent their channel lists (or 2 s passed).
   */
  expectResync(ids: readonly number[]): void {
    this.#hold.expect(ids);
  }

  /** Forget a worker and every subscription it held (it died or left). */
  detachWorker(id: number): void {
    if (!this.#workers.delete(id)) return;
    this.#caps.detachWorker(id);
    this.#hold.resynced(id);
    this.#presence.dropWorker(id);
    for (const channel of [...this.#channels.keys()]) this.#remove(channel, id);
  }

  /** Channels with at least one subscribed worker. */
  channels(): string[] {
    return [...this.#channels.keys()];
  }

  /**
   * Deliver a publication to every interested worker (also used by the cluster engine).
   * `from` and `s`: the publishing worker and its number for the publication, so a
   * receiver can drop a replay it already had (see src/worker/pubOutbox.ts).
   */
  deliver(pub: Publication, from?: number, s?: number): void {
    const ids = this.#channels.get(pub.ch);
    if (ids === undefined && this.#sole === null) return;
    const message: BrokerToWorker = { t: "pub", ch: pub.ch, json: pub.json };
    if (pub.offset !== undefined) Object.assign(message, { offset: pub.offset, epoch: pub.epoch });
    // When this host accepted it (metrics: scx_publish_delivery_seconds); absent from other hosts.
    const at = (pub as { at?: number }).at;
    if (at !== undefined) message.at = at;
    if (s !== undefined) {
      message.w = from;
      message.s = s;
    }
    if (pub.skip !== undefined) message.skip = pub.skip;
    // The sole worker gets it whatever it subscribed; any other (the main thread's
    // server.exchange listeners) only when it listens. With no sole worker, sole is null.
    const sole = this.#sole;
    if (sole !== null) this.#workers.get(sole)?.post(message);
    if (ids === undefined || ids === sole) return;
    if (typeof ids === "number") this.#workers.get(ids)?.post(message);
    else for (const id of ids) if (id !== sole) this.#workers.get(id)?.post(message);
  }

  /** Send a join or leave to every worker with subscribers of the channel. */
  deliverPresence(event: PresenceEvent): void {
    const ids = this.#channels.get(event.ch);
    if (ids === undefined) return;
    const message: BrokerToWorker = { t: "pev", ch: event.ch, join: event.join, member: event.member };
    forEachId(ids, (id) => this.#workers.get(id)?.post(message));
  }

  #handle(id: number, link: WorkerLink, message: WorkerToBroker): void {
    switch (message.t) {
      case "pub":
        if (this.#hold.active) return this.#hold.push({ message, link, id });
        return this.#publish(message, link, id);
      case "sub":
        return this.#subscribe(id, link, message);
      case "hist":
        return this.#history.answerHistory(message, (ack) => link.post(ack));
      case "unsub":
        return this.#remove(message.ch, id);
      case "leave":
        return this.#presence.leave(id, message.ch, message.client);
      case "presence":
        return this.#presence.read(message.ch, message.id, message.limit, message.stats, (ack) => link.post(ack));
      case "cap":
      case "uncap":
        return this.#caps.handle(id, link, message);
      case "wh":
        return this.webhooks?.event(message.ev);
      case "resync":
        for (const channel of message.chs) this.#add(id, channel, true);
        for (const { ch, member } of message.members ?? []) void this.#presence.join(id, ch, member, true);
        return this.#hold.resynced(id);
    }
  }

  #publish(message: PubMessage, link: WorkerLink, from: number): void {
    // Numbered (no id): confirmed to the worker once this turn's deliveries have been posted.
    if (message.s !== undefined) this.#confirmations.forwarded(link, message.s);
    const keep = this.#history.keep(message.ch);
    if (!keep) {
      const pub = { ch: message.ch, json: message.json };
      const local: Publication = message.skip === undefined ? pub : { ...pub, skip: message.skip };
      this.deliver(message.at === undefined ? local : { ...local, at: message.at } as Publication, from, message.s);
      // The skip crosses hosts too: the client it names may live on another one.
      this.#engine?.publish(local);
      if (message.id !== undefined) link.post({ t: "pubAck", id: message.id });
      return;
    }
    this.#history.answerPublish(message, keep, (ack) => link.post(ack), (pub) => this.deliver(pub, from, message.s), this.#countDrop);
  }

  #subscribe(id: number, link: WorkerLink, message: Extract<WorkerToBroker, { t: "sub" }>): void {
    const ch = message.ch;
    const subscribed = this.#add(id, ch);
    if (message.quiet) return;
    // A presence channel's reply waits until the member (or every member of a worker's
    // batch) is registered, and fails when one could not be.
    const members = message.members ?? (message.member ? [message.member] : undefined);
    const joined = members && this.#presence.has(ch) ? this.#presence.joinAll(id, ch, members) : undefined;
    const answer = (joinError?: ErrorRecord | void) => joinError
      ? link.post({ t: "subAck", ch, id: message.id, error: joinError })
      : this.#history.answerSubscribe(message, (ack) => link.post(ack));
    if (joined) Promise.all([joined, subscribed]).then(([joinError]) => answer(joinError));
    else if (subscribed) subscribed.then(() => answer());
    else answer();
  }

  /** Register a worker's interest; returns the engine's subscribe while it is still under way. */
  #add(id: number, channel: string, resync = false): Promise<void> | undefined {
    const ids = this.#channels.get(channel);
    const next = withId(ids, id);
    if (next !== ids) this.#channels.set(channel, next);
    if (ids === undefined) {
      this.#engineSubscribe(channel);
      // A restarted broker's resync: its channels were occupied all along (webhooks count them, tell nobody).
      this.webhooks?.occupied(channel, resync);
    }
    return this.#subscribing.pending(channel);
  }

  /** A worker no longer wants the channel; the last one leaving drops it. */
  #remove(channel: string, id: number): void {
    const ids = this.#channels.get(channel);
    if (ids === undefined) return;
    const left = withoutId(ids, id);
    if (left === undefined) this.#drop(channel);
    else if (left !== ids) this.#channels.set(channel, left);
  }

  #engineSubscribe(channel: string): void {
    this.#subscribing.track(channel, this.#engine?.subscribe(channel));
  }

  #drop(channel: string): void {
    this.#channels.delete(channel);
    this.#subscribing.forget(channel);
    this.#engine?.unsubscribe(channel);
    this.webhooks?.emptied(channel);
  }

  /** Resolves when the engine has acted on every subscribe and unsubscribe so far. */
  async settle(): Promise<void> {
    await this.#subscribing.settled();
    await this.#engine?.settle();
  }

  /** Publications on kept channels lost because the store failed and nobody could be told. */
  get dropped(): number {
    return this.#drops?.total ?? 0;
  }

  async close(): Promise<void> {
    this.#confirmations.stop();
    this.#drops?.close();
    await this.webhooks?.close();
    await this.#engine?.close();
    await this.#history.store.close();
    await this.#caps.close();
    await this.#presence.close();
  }
}
