/**
 * The scx client: one WebSocket speaking the SocketCluster protocol. It owns the
 * connection's life: handshake, pings (answered, and closed with 4000 when they stop),
 * close handling in SocketCluster's order (channels back to pending, invokes in flight
 * rejected, then `disconnect`), and reconnection by the close code's policy with backoff
 * and jitter. Channels live in Subscriptions, outbound packets in Requests, auth in ClientAuth.
 *
 * @example
 * const socket = new ClientSocket({ hostname: "localhost", port: 8000 });
 * const reply = await socket.invoke("echo", "hi");
 */

import { CloseCode, closeReason } from "../protocol/closeCodes.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { dehydrateError, hydrateError } from "../protocol/dehydrate.ts";
import { pongText, Reserved } from "../protocol/packets.ts";
import { ReconnectSchedule } from "./ReconnectSchedule.ts";
import type { Channel, ChannelHost, SubscribeOptions } from "./Channel.ts";
import { ClientAuth } from "./ClientAuth.ts";
import { handleServerEvent, type Reply, type ServerEventTarget, type ServerRequest } from "./handleServerEvent.ts";
import type { EventStream } from "./Listeners.ts";
import { type ClientOptions, type ResolvedOptions, withDefaults } from "./options.ts";
import { Requests } from "./Requests.ts";
import { socketUrl } from "./socketUrl.ts";
import { Subscriptions } from "./Subscriptions.ts";

export type SocketState = "connecting" | "open" | "closed";

/** The handshake answer, as the `connect` event carries it. */
export interface ConnectStatus { id: string; pingTimeout: number; isAuthenticated: boolean; authError?: unknown }

type Timer = ReturnType<typeof setTimeout> | undefined;

export class ClientSocket extends ClientAuth implements ChannelHost {
  readonly options: ResolvedOptions;
  state: SocketState = "closed";
  /** The server's id for this connection, from the last handshake. */
  id: string | null = null;
  /** The ping timeout the server announced (connectTimeout until the first handshake). */
  pingTimeout: number;
  #ws: WebSocket | null = null;
  readonly #requests: Requests;
  readonly #channels: Subscriptions;
  readonly #serverEvents: ServerEventTarget;
  readonly #reconnects = new ReconnectSchedule(() => this.options.autoReconnectOptions);
  #manualClose = false;
  #connectTimer: Timer;
  #pingTimer: Timer;
  #reconnectTimer: Timer;

  constructor(options: ClientOptions = {}) {
    const resolved = withDefaults(options);
    super(resolved.authEngine, resolved.authTokenName);
    this.options = resolved;
    this.pingTimeout = resolved.connectTimeout;
    const isOpen = () => this.state === "open";
    const emit = (name: string, value?: unknown) => this.emit(name, value);
    this.#requests = new Requests({
      isOpen,
      emit,
      codec: resolved.codec,
      write: (frame) => this.#ws?.send(frame),
      wake: () => {
        // Like socketcluster-client, sending on a closed socket connects it (unless a retry is timed).
        if (this.state === "closed" && this.#reconnectTimer === undefined) this.connect();
      },
    });
    this.#channels = new Subscriptions(resolved.channelPrefix, this, {
      isOpen,
      emit,
      isAuthenticated: () => this.authState === "authenticated",
      request: (event, data, done) => this.#requests.call(event, data, done),
      send: (event, data) => this.#requests.transmit(event, data),
    });
    this.#serverEvents = {
      channels: this.#channels,
      emit,
      has: (name) => this.has(name),
      setAuthToken: (token) => this.adoptToken(token, true),
      removeAuthToken: () => this.dropToken(),
    };
    if (resolved.autoConnect) this.connect();
  }

  connect(): void {
    if (this.state !== "closed") return;
    const ws = new this.options.WebSocket(socketUrl(this.options));
    ws.binaryType = "arraybuffer";
    this.#ws = ws;
    this.state = "connecting";
    this.pingTimeout = this.options.connectTimeout;
    this.#manualClose = false;
    this.#reconnectTimer = void clearTimeout(this.#reconnectTimer);
    const reply: Reply = (rid, data, error) => {
      if (ws !== this.#ws) return; // the invoke came on a connection that is gone
      try {
        ws.send(this.options.codec.encode(error === undefined ? { rid, data } : { rid, error: dehydrateError(error) }));
      } catch (encodeError) {
        this.emit("error", { error: encodeError });
      }
    };
    this.#connectTimer = setTimeout(() => this.#close(ws, CloseCode.ConnectTimeout), this.options.connectTimeout);
    ws.onopen = () => {
      this.#connectTimer = void clearTimeout(this.#connectTimer);
      this.#resetPingTimer();
      void this.#handshake(ws);
    };
    ws.onmessage = (event) => this.#receive(ws, event.data, reply);
    ws.onclose = (event) => this.#closed(ws, event.code || CloseCode.NoStatus, event.reason);
    this.emit("connecting");
  }

  /** Close without reconnecting: 1000 (default) or an application code from 4000 to 4999. */
  disconnect(code: number = CloseCode.Normal, reason?: string): void {
    if (code !== CloseCode.Normal && (code < 4000 || code > 4999)) {
      throw new RangeError(`Invalid close code: "${code}" (use 1000 or 4000 to 4999)`);
    }
    this.#manualClose = true;
    this.#reconnectTimer = void clearTimeout(this.#reconnectTimer);
    if (this.#ws) this.#close(this.#ws, code, reason);
  }

  /** Disconnect (1000 by default) and connect again at once. */
  reconnect(code?: number, reason?: string): void {
    this.disconnect(code, reason);
    this.connect();
  }

  /** Send an event with no response; queued (in order) while not connected. */
  transmit(event: string, data?: unknown): void {
    this.#requests.transmit(event, data);
  }

  /** Resolves with the server's reply; rejects with its hydrated error, a TimeoutError or a BadConnectionError. */
  invoke<T = any>(event: string, data?: unknown, options: { ackTimeout?: number } = {}): Promise<T> {
    return this.#requests.invoke(event, data, options.ackTimeout ?? this.options.ackTimeout) as Promise<T>;
  }

  subscribe<T = any>(name: string, options?: SubscribeOptions): Channel<T> {
    return this.#channels.subscribe(name, options);
  }

  unsubscribe(name: string): void {
    this.#channels.unsubscribe(name);
  }

  /** The channel named `name` (created unsubscribed if new): watch it now, subscribe later. */
  channel<T = any>(name: string): Channel<T> {
    return this.#channels.channel(name);
  }

  /** Unsubscribe and forget the channel, ending its watchers and `for await` loops. */
  closeChannel(name: string): void {
    this.#channels.close(name);
  }

  subscriptions(includePending = false): string[] {
    return this.#channels.names(includePending);
  }

  isSubscribed(name: string, includePending = false): boolean {
    return this.#channels.isSubscribed(name, includePending);
  }

  /** Send #subscribe for pending channels now (with `autoSubscribeOnConnect: false`, from `connect`). */
  processPendingSubscriptions(): void {
    this.#channels.resume();
  }

  transmitPublish(channel: string, data: unknown): void {
    this.transmit(Reserved.publish, { channel: this.#channels.wire(channel), data });
  }

  /** Resolves once the server accepted the publication. */
  async invokePublish(channel: string, data: unknown): Promise<void> {
    await this.invoke(Reserved.publish, { channel: this.#channels.wire(channel), data });
  }

  /** Server transmits of `event`, to a callback; returns a function that stops it. */
  onReceive<T = any>(event: string, handler: (data: T) => void): () => void {
    return this.on(`transmit:${event}`, handler);
  }

  /** Server transmits of `event`, for `for await`. */
  receiver<T = any>(event: string): EventStream<T> {
    return this.listener<T>(`transmit:${event}`);
  }

  /** Answer server invokes of `event`: the handler's value, or its thrown error, is the reply. */
  onInvoke<T = any>(event: string, handler: (data: T) => unknown): () => void {
    return this.on(`invoke:${event}`, async (request: ServerRequest<T>) => {
      try {
        request.end(await handler(request.data));
      } catch (error) {
        request.error(error);
      }
    });
  }

  /** Server invokes of `event`, for `for await`: answer each with `end(reply)` or `error(error)`. */
  procedure<T = any>(event: string): EventStream<ServerRequest<T>> {
    return this.listener<ServerRequest<T>>(`invoke:${event}`);
  }

  /** Hooks for ClientAuth. */
  protected override isConnected(): boolean {
    return this.state !== "closed";
  }

  protected override onAuthenticated(): void {
    if (this.state === "open") this.#channels.resume();
  }

  async #handshake(ws: WebSocket): Promise<void> {
    const token = await this.storedToken();
    if (ws !== this.#ws) return;
    let status: ConnectStatus;
    try {
      status = await this.#requests.request(Reserved.handshake, { authToken: token }, this.options.ackTimeout) as ConnectStatus;
    } catch (error) {
      const { statusCode, name, message } = error as { statusCode?: unknown; name?: string; message?: string };
      return this.#close(ws, typeof statusCode === "number" ? statusCode : CloseCode.HandshakeFailed, `${name}: ${message}`);
    }
    this.state = "open";
    this.id = status.id;
    if (typeof status.pingTimeout === "number") this.pingTimeout = status.pingTimeout;
    this.#reconnects.connected();
    this.#resetPingTimer();
    if (status.isAuthenticated && token) this.adoptToken(token, false);
    else this.forgetToken();
    if (this.options.autoSubscribeOnConnect) this.#channels.resume();
    this.#requests.flush();
    // Last, so anything sent from a connect handler goes after what waited offline.
    this.emit("connect", { ...status, authError: hydrateError(status.authError) ?? undefined });
  }

  #receive(ws: WebSocket, raw: unknown, reply: Reply): void {
    if (ws !== this.#ws) return;
    // Pings are text frames whatever the codec; the codec decodes the rest, bytes or text.
    const text = typeof raw === "string" ? raw : new Uint8Array(raw as ArrayBuffer);
    if (text === "" || text === "#1") {
      ws.send(pongText[this.options.protocolVersion]);
      return this.#resetPingTimer();
    }
    const decoded = this.options.codec.decode(text);
    for (const packet of Array.isArray(decoded) ? decoded : [decoded]) {
      if (ws !== this.#ws) return; // a handler closed the socket mid-batch
      if (packet && typeof packet === "object" && typeof packet.event === "string") {
        handleServerEvent(this.#serverEvents, packet, reply);
      } else if (packet && typeof packet === "object" && typeof packet.rid === "number") {
        this.#requests.settle(packet);
      } else {
        this.emit("raw", { message: packet });
      }
    }
  }

  #resetPingTimer(): void {
    clearTimeout(this.#pingTimer);
    if (this.options.pingTimeoutDisabled) return;
    const ws = this.#ws;
    if (ws) this.#pingTimer = setTimeout(() => this.#close(ws, CloseCode.PingTimeout), this.pingTimeout);
  }

  /** Close now and act on it at once: the close event may come late, or never on a dead network. */
  #close(ws: WebSocket, code: number, reason?: string): void {
    try {
      ws.close(code, reason);
    } catch {
      ws.close(); // a code or reason the WebSocket API refuses to send
    }
    this.#closed(ws, code, reason ?? "");
  }

  #closed(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#connectTimer = void clearTimeout(this.#connectTimer);
    this.#pingTimer = void clearTimeout(this.#pingTimer);
    const type = this.state === "open" ? "disconnect" : "connectAbort";
    this.state = "closed";
    const why = closeReason(code, reason);
    this.#channels.suspend();
    this.#requests.abort(type, code, why);
    if (code !== CloseCode.Normal && code !== CloseCode.GoingAway) {
      this.emit("error", { error: namedError(ErrorName.SocketProtocol, why, { code }) });
    }
    this.emit(type, { code, reason: why });
    this.emit("close", { code, reason: why });
    this.#scheduleReconnect(code, reason);
  }

  /** By the close code's policy and backoff, or within a going-away close's hinted window. */
  #scheduleReconnect(code: number, reason: string): void {
    if (this.#manualClose || !this.options.autoReconnect || this.state !== "closed") return;
    const delay = this.#reconnects.next(code, reason);
    if (delay === null) return;
    this.#reconnectTimer = setTimeout(() => (this.#reconnectTimer = undefined, this.connect()), delay);
  }
}
