/**
 * A socket worker: owns its client sockets (protocol, middleware, RPC) and their local
 * fan-out through the runtime's native topics. Channels cross to other workers only
 * through the brokers, each owning a shard of channel names.
 *
 * @example
 * const worker = new SocketWorker({ config, codec: jsonCodec, log, brokers: [link] });
 * worker.procedure("add", ([a, b]) => a + b);
 */
import type { Config } from "../config/schema.ts";
import { type Codec, jsonCodec } from "../protocol/codec.ts";
import type { Logger } from "../log/logger.ts";
import type { Link } from "../threads/Link.ts";
import type { BrokerToWorker, WorkerToBroker } from "../threads/messages.ts";
import type { ServeHandle, WsConnection } from "../runtime/runtime.ts";
import type { AuthEngine } from "../auth/AuthEngine.ts";
import type { Publication, StreamPosition } from "../protocol/publication.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { ServerSocket } from "./ServerSocket.ts";
import type { ConnectionData } from "./ConnectionData.ts";
import { type Middleware, type MiddlewareStage, middlewareStages } from "./middleware.ts";
import { Emitter } from "./Emitter.ts";
import { drainSockets } from "./drainSockets.ts";
import { SlowConsumers } from "./slowConsumers.ts";
import { resyncCaps } from "./connectionCaps.ts";
import { BrokerLinks } from "./brokerLinks.ts";
import { ChannelTable, type Listener, type SubscribeOptions } from "./channels.ts";
import { WorkerPresence } from "./presence.ts";
import { keepsPublications } from "../config/namespaces.ts";
import { soleWorkerId } from "../config/soleWorkerId.ts";
import { WorkerCounters } from "../metrics/WorkerCounters.ts";
import type { WorkerStats } from "../metrics/ThreadStats.ts";
import { wallClock } from "../metrics/wallClock.ts";
import { WorkerWebhooks } from "../webhooks/WorkerWebhooks.ts";
import { webhookTargets } from "../webhooks/targets.ts";

export { topicOf } from "./channels.ts";

export type Procedure = (data: any, socket: ServerSocket) => unknown;
export type Receiver = (data: any, socket: ServerSocket) => void;

export interface WorkerEvents {
  connection: [socket: ServerSocket];
  disconnection: [socket: ServerSocket, code: number, reason: string];
  subscription: [socket: ServerSocket, channel: string];
  unsubscription: [socket: ServerSocket, channel: string];
  authentication: [socket: ServerSocket];
  deauthentication: [socket: ServerSocket];
}

export class SocketWorker extends Emitter<WorkerEvents> {
  readonly config: Config;
  readonly codec: Codec;
  readonly log: Logger;
  readonly id: number;
  readonly procedures = new Map<string, Procedure>();
  readonly receivers = new Map<string, Receiver>();
  readonly middlewares: { [S in MiddlewareStage]: Middleware<S>[] } = { handshake: [], inbound: [], outbound: [] };
  /** Open (handshaken) and connecting sockets, by id. */
  readonly clients = new Map<string, ServerSocket>();
  readonly links: BrokerLinks;
  readonly channels: ChannelTable;
  /** Presence: members of local sockets, join/leave frames, #presence reads. */
  readonly presence: WorkerPresence;
  /** What /metrics and the admin page count (src/metrics/). */
  readonly counters = new WorkerCounters();
  /** Webhooks: worker events to the channel's broker; `webhooks.clientEvent` for protocol sessions. */
  readonly webhooks: WorkerWebhooks;
  #auth: AuthEngine | null;
  #serve: ServeHandle | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  readonly #slowConsumers = new SlowConsumers(this);

  constructor(options: {
    config: Config; codec: Codec; log: Logger; id?: number;
    brokers: Link<BrokerToWorker, WorkerToBroker>[]; auth?: AuthEngine | null;
  }) {
    super();
    this.config = options.config;
    this.codec = options.codec;
    this.log = options.log;
    this.id = options.id ?? 0;
    this.#auth = options.auth ?? null;
    this.links = new BrokerLinks(options.brokers, this.log, (message) => this.#fromBroker(message));
    this.channels = new ChannelTable(this, this.config.channels, {
      pusherPresence: this.config.pusher.apps.length > 0, sole: soleWorkerId(this.config) === this.id,
    });
    this.presence = new WorkerPresence(this);
    this.webhooks = new WorkerWebhooks(webhookTargets(this.config), (channel, ev) => this.links.post(channel, { t: "wh", ev }));
    this.webhooks.listen(this);
  }

  /** Register the function that answers invokes of `name`; its return value is the reply. */
  procedure(name: string, handler: Procedure): void {
    this.procedures.set(name, handler);
  }

  /** Register the function that receives transmits of `name`. */
  receiver(name: string, handler: Receiver): void {
    this.receivers.set(name, handler);
  }

  /** Add a middleware function to a stage; functions run in the order they were added. */
  middleware<S extends MiddlewareStage>(stage: S, fn: Middleware<S>): void {
    if (!middlewareStages.includes(stage)) {
      throw new TypeError(`Unknown middleware stage "${stage}": expected one of ${middlewareStages.join(", ")}`);
    }
    this.middlewares[stage].push(fn);
  }

  authEngine(): AuthEngine {
    if (!this.#auth) throw namedError(ErrorName.Auth, "No auth engine is configured");
    return this.#auth;
  }

  setAuthEngine(auth: AuthEngine | null): void {
    this.#auth = auth;
  }

  hasAuth(): boolean {
    return this.#auth !== null;
  }

  /**
   * Publish to a channel on every worker (and host). `ack`: "auto" waits for the broker's
   * answer on kept channels only, "always" on every channel, "never" fires and forgets
   * (a broker that cannot store it counts and logs the loss). The answer is the position
   * (`{ offset, epoch }`) on kept channels, `{}` otherwise; it rejects when the history
   * store failed. Throws at once when the data cannot be encoded. `skip`: a client id
   * on this host that does not get it (a Pusher client event's sender, `socket_id`).
   */
  publish(channel: string, data: unknown, ack: "auto" | "always" | "never" = "auto", skip?: string): Promise<Partial<StreamPosition>> | void {
    // A publication's data is JSON text whatever the wire codec (see publication.ts).
    const json = data === undefined ? undefined : jsonCodec.encode(data);
    const at = wallClock();
    const message: Extract<WorkerToBroker, { t: "pub" }> = skip === undefined ? { t: "pub", ch: channel, json, at } : { t: "pub", ch: channel, json, at, skip };
    if (ack === "never" || (ack === "auto" && !keepsPublications(this.channels.namespace(channel)))) {
      this.links.post(channel, message);
      return;
    }
    return this.links.request<Extract<BrokerToWorker, { t: "pubAck" }>>(channel, message).then((ack) => {
      if (ack.error) throw namedError(ack.error.name, ack.error.message);
      return ack.position ? { offset: ack.position.offset, epoch: ack.position.epoch } : {};
    });
  }

  /** Read a history channel's kept publications (ascending by offset) and its position. */
  async history(channel: string, options: { since?: StreamPosition; limit?: number } = {}): Promise<{ publications: Publication[]; position: StreamPosition }> {
    if (!this.channels.namespace(channel)?.history) {
      throw namedError(ErrorName.InvalidAction, `The ${channel} channel has no history (no channels: entry with history matches it)`);
    }
    const ack = await this.links.request<Extract<BrokerToWorker, { t: "histAck" }>>(channel, { t: "hist", ch: channel, ...options });
    if (ack.error) throw namedError(ack.error.name, ack.error.message);
    return { publications: ack.pubs ?? [], position: ack.position! };
  }

  /** A server-side subscriber: gets every publication on the channel; resolves with its unsubscribe function. */
  listen(channel: string, listener: Listener): Promise<() => void> {
    return this.channels.listen(channel, listener);
  }

  /** Start pinging; `serve` is the runtime server this worker's sockets live on. */
  attach(serve: ServeHandle): void {
    this.#serve = serve;
    this.#slowConsumers.start();
    const { pingInterval, pingTimeout, protocolVersion } = this.config;
    const ping = protocolVersion === 1 ? "#1" : "";
    // One pass over the sockets both pings and finds the silent ones. A shared ping topic
    // would be one native publish, but costs a topic subscription (memory) per socket.
    this.#pingTimer = setInterval(() => {
      const deadline = Date.now() - pingTimeout;
      for (const socket of this.clients.values()) {
        if (socket.state !== "open") continue;
        if (socket.lastSeen < deadline) socket.disconnect(4001);
        else socket.ping(ping);
      }
    }, pingInterval);
  }

  /** Stop pinging and close every socket with `code`, in batches across `spreadMs` (0: at once). */
  detach(code: number, reason = "", spreadMs = 0): Promise<void> {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
    this.#slowConsumers.stop();
    return drainSockets(this.clients.values(), { code, reason, spreadMs });
  }

  /** A connection opened: it becomes a socket waiting for its #handshake. */
  opened(connection: WsConnection<ConnectionData>): ServerSocket {
    const socket = new ServerSocket(this, connection, connection.data.request);
    connection.data.socket = socket;
    this.clients.set(socket.id, socket);
    socket.handshakeTimer = setTimeout(() => socket.disconnect(4005), this.config.handshakeTimeout);
    return socket;
  }

  closed(socket: ServerSocket, code: number, reason: string): void {
    const wasOpen = socket.state === "open";
    socket.cleanup(code, reason);
    this.clients.delete(socket.id);
    this.counters.disconnected(code);
    if (wasOpen) this.emit("disconnection", socket, code, reason);
  }

  /**
   * Add a socket to a channel; `options.reply` sends the #subscribe reply once its broker
   * knows this worker wants it (and, on kept channels, before any recovered publication).
   */
  subscribeSocket(socket: ServerSocket, channel: string, options: SubscribeOptions): void | Promise<void> {
    if (socket.channels.has(channel)) return this.channels.again(channel, options);
    // The table's copy of the name where there is one: one string per channel, not per socket.
    socket.channels.add(this.channels.get(channel)?.name ?? channel);
    this.emit("subscription", socket, channel);
    options.member = this.presence.join(socket, channel, options.info, options.user);
    return this.channels.subscribe(socket, channel, options);
  }

  unsubscribeSocket(socket: ServerSocket, channel: string): void {
    if (!socket.channels.delete(channel)) return;
    this.presence.leave(socket, channel);
    this.channels.unsubscribe(socket, channel);
    this.emit("unsubscription", socket, channel);
  }

  /** Channels with subscribers on this worker (sent to a restarted broker). */
  localChannels(): string[] {
    return this.channels.names();
  }

  /**
   * A broker restarted: talk to it over its new link and tell it every channel it owns
   * that this worker has subscribers for. Clients notice nothing.
   */
  replaceBroker(index: number, link: Link<BrokerToWorker, WorkerToBroker>): void {
    const chs = this.localChannels().filter((ch) => this.links.indexOf(ch) === index);
    this.links.replace(index, link, chs, this.presence.resync(chs));
    resyncCaps(this, index);
    // Subscribes the dead broker never acknowledged are covered by the resync.
    for (const ch of chs) this.channels.acknowledged(ch);
  }

  /** A broker died: hold what this worker would send it until its successor is attached. */
  brokerDown(index: number): void {
    this.links.down(index);
  }

  /** This worker's counters and gauges, for the main thread to sum (src/metrics/). */
  stats(): WorkerStats {
    const channels = this.channels;
    return this.counters.snapshot({
      id: this.id,
      connections: () => { let n = 0; for (const socket of this.clients.values()) if (socket.state === "open") n++; return n; },
      *channelLoads() {
        for (const name of channels.names()) {
          const entry = channels.get(name)!;
          yield { channel: name, subscribers: entry.sockets.size, publications: entry.pubs };
        }
      },
      engineUp: () => this.links.engineStates.size >= this.links.count && [...this.links.engineStates.values()].every((s) => s === "ready"),
    });
  }

  serveHandle(): ServeHandle | null {
    return this.#serve;
  }

  /** Whether every broker's cluster engine is up (for /readyz). */
  ready(): boolean {
    // Every broker reports its engine's state when a worker attaches; until then, not ready.
    const states = this.links.engineStates;
    if (states.size < this.links.count) return false;
    for (const state of states.values()) if (state !== "ready") return false;
    return this.#serve !== null;
  }

  #fromBroker(message: BrokerToWorker): void {
    if (message.t === "pub") return this.channels.receive(message);
    if (message.t === "pev") return this.presence.event(message);
    if (message.t === "subAck") this.channels.acknowledged(message.ch);
  }
}
