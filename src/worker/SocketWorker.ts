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
import type { Codec } from "../protocol/codec.ts";
import type { Logger } from "../log/logger.ts";
import type { Link } from "../threads/Link.ts";
import type { BrokerToWorker, WorkerToBroker } from "../threads/messages.ts";
import type { ServeHandle, WsConnection } from "../runtime/runtime.ts";
import type { AuthEngine } from "../auth/AuthEngine.ts";
import { brokerIndex } from "../protocol/channelHash.ts";
import { publishFrame } from "../protocol/packets.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { type ConnectionData, ServerSocket } from "./ServerSocket.ts";
import { type Middleware, type MiddlewareStage, middlewareStages } from "./middleware.ts";
import { Emitter } from "./Emitter.ts";
import { deliverWithMiddleware } from "./deliverWithMiddleware.ts";
import { drainSockets } from "./drainSockets.ts";

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

/** Most messages held for one restarting broker before the oldest are dropped. */
const heldLimit = 100_000;

/**
 * The native topic of a channel. Bun refuses empty topic names, and SocketCluster allows
 * an empty channel name, so "" gets a reserved name (NUL is refused in channel names).
 */
export function topicOf(channel: string): string {
  return channel === "" ? "\u0000scx:empty" : channel;
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
  /** channel → this worker's subscribed sockets */
  readonly #local = new Map<string, Set<ServerSocket>>();
  /** channel → resolvers waiting for the broker's subAck, in send order */
  readonly #awaitingAck = new Map<string, Array<() => void>>();
  readonly #brokers: Link<BrokerToWorker, WorkerToBroker>[];
  /** broker index → messages held while that broker restarts */
  readonly #held = new Map<number, WorkerToBroker[]>();
  /** broker index → its cluster engine's state */
  readonly #engineStates = new Map<number, string>();
  #auth: AuthEngine | null;
  #serve: ServeHandle | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;

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
    this.#brokers = options.brokers;
    this.#brokers.forEach((link, index) => link.onMessage((message) => this.#fromBroker(message, index)));
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

  /** Publish to a channel on every worker (and host); resolves once handed to its broker. */
  publish(channel: string, data: unknown): void {
    this.publishFrame(channel, publishFrame(this.codec, channel, data));
  }

  publishFrame(channel: string, frame: string): void {
    this.#brokers[brokerIndex(channel, this.#brokers.length)]!.post({ t: "pub", ch: channel, frame });
  }

  /** Start pinging; `serve` is the runtime server this worker's sockets live on. */
  attach(serve: ServeHandle): void {
    this.#serve = serve;
    const { pingInterval, pingTimeout, protocolVersion } = this.config;
    const ping = protocolVersion === 1 ? "#1" : "";
    // One pass over the sockets both pings and finds the silent ones. A shared ping topic
    // would be one native publish, but costs a topic subscription (memory) per socket.
    this.#pingTimer = setInterval(() => {
      const deadline = Date.now() - pingTimeout;
      for (const socket of this.clients.values()) {
        if (socket.state !== "open") continue;
        if (socket.lastSeen < deadline) socket.disconnect(4001);
        else socket.connection.send(ping);
      }
    }, pingInterval);
  }

  /** Stop pinging and close every socket with `code`, in batches across `spreadMs` (0: at once). */
  detach(code: number, reason = "", spreadMs = 0): Promise<void> {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
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
    if (wasOpen) this.emit("disconnection", socket, code, reason);
  }

  /** Add a socket to a channel; resolves once its broker knows this worker wants it. */
  subscribeSocket(socket: ServerSocket, channel: string): void | Promise<void> {
    if (socket.channels.has(channel)) return;
    socket.channels.add(channel);
    socket.connection.subscribe(topicOf(channel));
    let sockets = this.#local.get(channel);
    if (!sockets) {
      this.#local.set(channel, sockets = new Set());
      sockets.add(socket);
      this.emit("subscription", socket, channel);
      return this.#brokerSubscribe(channel);
    }
    sockets.add(socket);
    this.emit("subscription", socket, channel);
    const waiting = this.#awaitingAck.get(channel);
    // An earlier subscriber's broker round trip is still under way: wait for the same one.
    if (waiting?.length) return new Promise((resolve) => waiting.push(resolve));
  }

  unsubscribeSocket(socket: ServerSocket, channel: string): void {
    if (!socket.channels.delete(channel)) return;
    if (socket.state !== "closed") socket.connection.unsubscribe(topicOf(channel));
    const sockets = this.#local.get(channel);
    sockets?.delete(socket);
    this.emit("unsubscription", socket, channel);
    if (sockets && sockets.size === 0) {
      this.#local.delete(channel);
      this.#brokerFor(channel).post({ t: "unsub", ch: channel });
    }
  }

  /** Channels with subscribers on this worker (sent to a restarted broker). */
  localChannels(): string[] {
    return [...this.#local.keys()];
  }

  /**
   * A broker restarted: talk to it over its new link and tell it every channel it owns
   * that this worker has subscribers for. Clients notice nothing.
   */
  replaceBroker(index: number, link: Link<BrokerToWorker, WorkerToBroker>): void {
    this.#brokers[index]?.close();
    this.#brokers[index] = link;
    link.onMessage((message) => this.#fromBroker(message, index));
    const chs = this.localChannels().filter((ch) => brokerIndex(ch, this.#brokers.length) === index);
    link.post({ t: "resync", chs });
    // What was sent while the broker was down follows the resync, in its original order.
    for (const message of this.#held.get(index) ?? []) link.post(message);
    this.#held.delete(index);
    // Subscribes the dead broker never acknowledged are covered by the resync.
    for (const ch of chs) this.#fromBroker({ t: "subAck", ch }, index);
  }

  /**
   * A broker died: until its successor is attached, hold what this worker would send it
   * (bounded: past `heldLimit` messages the oldest publications are dropped and counted).
   */
  brokerDown(index: number): void {
    if (this.#held.has(index)) return;
    const held: WorkerToBroker[] = [];
    this.#held.set(index, held);
    this.#brokers[index] = {
      post: (message) => {
        if (held.length >= heldLimit) {
          held.shift();
          this.log.warn("Dropped a message held for a restarting broker", { broker: index });
        }
        held.push(message);
      },
      onMessage: () => {},
      close: () => {},
    };
  }

  #brokerFor(channel: string) {
    return this.#brokers[brokerIndex(channel, this.#brokers.length)]!;
  }

  #brokerSubscribe(channel: string): Promise<void> {
    let waiting = this.#awaitingAck.get(channel);
    if (!waiting) this.#awaitingAck.set(channel, waiting = []);
    const done = new Promise<void>((resolve) => waiting!.push(resolve));
    this.#brokerFor(channel).post({ t: "sub", ch: channel });
    return done;
  }

  /** Whether every broker's cluster engine is up (for /readyz). */
  ready(): boolean {
    // Every broker reports its engine's state when a worker attaches; until then, not ready.
    if (this.#engineStates.size < this.#brokers.length) return false;
    for (const state of this.#engineStates.values()) if (state !== "ready") return false;
    return this.#serve !== null;
  }

  #fromBroker(message: BrokerToWorker, index: number): void {
    if (message.t === "engine") {
      this.#engineStates.set(index, message.state);
      return;
    }
    if (message.t === "pub") {
      if (this.middlewares.outbound.length === 0) this.#serve?.publish(topicOf(message.ch), message.frame);
      else deliverWithMiddleware(this, this.#local.get(message.ch), message.ch, message.frame);
      return;
    }
    // One subAck answers everything queued for the channel so far: later subscribers of
    // the same channel piggybacked on the first round trip.
    const waiting = this.#awaitingAck.get(message.ch);
    if (!waiting) return;
    this.#awaitingAck.delete(message.ch);
    for (const resolve of waiting) resolve();
  }
}
