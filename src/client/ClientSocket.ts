/**
 * The scx client: one WebSocket speaking the SocketCluster protocol, reconnecting with
 * exponential backoff and jitter, resubscribing its channels, and keeping transmits and
 * invokes made while disconnected until the next connection (invokes still time out).
 *
 * @example
 * const socket = create({ hostname: "localhost", port: 8000 });
 * const reply = await socket.invoke("echo", "hi");
 */
import { jsonCodec } from "../protocol/codec.ts";
import { CloseCode, closeReason, reconnectPolicy } from "../protocol/closeCodes.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { dehydrateError, hydrateError } from "../protocol/dehydrate.ts";
import { Reserved } from "../protocol/packets.ts";
import { decodeTokenPayload } from "./authStorage.ts";
import { reconnectDelay } from "./backoff.ts";
import { Channel } from "./Channel.ts";
import { Listeners } from "./Listeners.ts";
import { type ClientOptions, type ResolvedOptions, socketUrl, withDefaults } from "./options.ts";
import { handleServerEvent } from "./handleServerEvent.ts";

export type SocketState = "connecting" | "open" | "closed";

interface Pending { event: string; resolve(data: unknown): void; reject(error: unknown): void; timer: ReturnType<typeof setTimeout> | null }
/** A server invoke waiting for this client's answer. */
export interface ServerRequest { data: any; end(reply?: unknown): void; error(error: unknown): void }
interface Queued { packet: { event: string; data?: unknown }; pending?: Pending }

export class ClientSocket extends Listeners {
  readonly options: ResolvedOptions;
  state: SocketState = "closed";
  id: string | null = null;
  authState: "authenticated" | "unauthenticated" = "unauthenticated";
  authToken: Record<string, unknown> | null = null;
  signedAuthToken: string | null = null;
  pingTimeout: number;
  readonly channels = new Map<string, Channel>();
  /** One cid counter per client object, never reset (as socketcluster-client does). */
  #cid = 0;
  #ws: WebSocket | null = null;
  readonly #pending = new Map<number, Pending>();
  readonly #outbox: Queued[] = [];
  #attempt = 0;
  #manualClose = false;
  #pingTimer: ReturnType<typeof setTimeout> | null = null;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: ClientOptions = {}) {
    super();
    this.options = withDefaults(options);
    this.pingTimeout = this.options.connectTimeout;
    if (this.options.autoConnect) this.connect();
  }

  get url(): string {
    return socketUrl(this.options);
  }

  connect(): void {
    if (this.state !== "closed") return;
    this.#manualClose = false;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.state = "connecting";
    this.emit("connecting");
    const ws = new this.options.WebSocket(this.url);
    ws.binaryType = "arraybuffer";
    this.#ws = ws;
    const connectTimer = setTimeout(() => this.#close(ws, CloseCode.ConnectTimeout), this.options.connectTimeout);
    ws.onopen = () => {
      clearTimeout(connectTimer);
      void this.#handshake(ws);
    };
    ws.onmessage = (event) => this.#receive(ws, typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data));
    ws.onclose = (event) => {
      clearTimeout(connectTimer);
      this.#closed(ws, event.code || CloseCode.NoStatus, event.reason);
    };
    ws.onerror = () => this.emit("error", namedError(ErrorName.SocketProtocol, "WebSocket error", { type: "socket" }));
  }

  /** Close for good (no reconnect) with `code` (1000 by default). */
  disconnect(code: number = CloseCode.Normal, reason?: string): void {
    this.#manualClose = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#ws) this.#close(this.#ws, code, reason);
  }

  /** Close and connect again at once. */
  reconnect(): void {
    if (this.#ws) this.#close(this.#ws, CloseCode.Normal, "Reconnecting");
    this.#manualClose = false;
    queueMicrotask(() => this.connect());
  }

  transmit(event: string, data?: unknown): void {
    const packet = data === undefined ? { event } : { event, data };
    if (this.state === "open") this.#write(packet);
    else this.#queue({ packet });
  }

  invoke<T = any>(event: string, data?: unknown, options: { ackTimeout?: number } = {}): Promise<T> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { event, resolve: resolve as (data: unknown) => void, reject, timer: null };
      const timeout = options.ackTimeout ?? this.options.ackTimeout;
      const packet = data === undefined ? { event } : { event, data };
      const queued: Queued = { packet, pending };
      pending.timer = setTimeout(() => {
        const index = this.#outbox.indexOf(queued);
        if (index !== -1) this.#outbox.splice(index, 1);
        for (const [cid, entry] of this.#pending) if (entry === pending) this.#pending.delete(cid);
        reject(namedError(ErrorName.Timeout, `Event response for ${event} event timed out`));
      }, timeout);
      if (this.state === "open") this.#send(queued);
      else this.#queue(queued);
    });
  }

  subscribe<T = any>(name: string, options: { waitForAuth?: boolean; data?: unknown } = {}): Channel<T> {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = new Channel<T>(name, this, options);
      this.channels.set(name, channel);
      if (this.state === "open") this.#sendSubscribe(channel);
      else if (this.state === "closed" && this.options.autoConnect) this.connect();
    }
    return channel as Channel<T>;
  }

  unsubscribe(name: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    this.channels.delete(name);
    const wasSubscribed = channel.state === "subscribed";
    channel.setState("unsubscribed", "unsubscribe", { channel: name });
    this.emit("unsubscribe", { channel: name });
    if (wasSubscribed && this.state === "open") this.transmit(Reserved.unsubscribe, name);
  }

  channel<T = any>(name: string): Channel<T> {
    return (this.channels.get(name) ?? new Channel<T>(name, this)) as Channel<T>;
  }

  subscriptions(includePending = false): string[] {
    return [...this.channels.values()].filter((c) => c.isSubscribed(includePending)).map((c) => c.name);
  }

  isSubscribed(name: string, includePending = false): boolean {
    return this.channels.get(name)?.isSubscribed(includePending) ?? false;
  }

  transmitPublish(channel: string, data: unknown): void {
    this.transmit(Reserved.publish, { channel, data });
  }

  async invokePublish(channel: string, data: unknown): Promise<void> {
    await this.invoke(Reserved.publish, { channel, data });
  }

  /** Answer server invokes of `event`; the returned value (or thrown error) is the reply. */
  onInvoke(event: string, handler: (data: any) => unknown): () => void {
    return this.on(`invoke:${event}`, async (request: ServerRequest) => {
      try {
        request.end(await handler(request.data));
      } catch (error) {
        request.error(error);
      }
    });
  }

  /** Server invokes of `event` as an async iterable of requests (SocketCluster's style). */
  procedure(event: string) {
    return this.listener<ServerRequest>(`invoke:${event}`);
  }

  /** Receive server transmits of `event`. */
  onReceive(event: string, handler: (data: any) => void): () => void {
    return this.on(`transmit:${event}`, handler);
  }

  receiver<T = any>(event: string) {
    return this.listener<T>(`transmit:${event}`);
  }

  async authenticate(signedAuthToken: string): Promise<{ isAuthenticated: boolean; authError: unknown }> {
    const status = await this.invoke(Reserved.authenticate, signedAuthToken);
    await this.options.authEngine.saveToken(this.options.authTokenName, signedAuthToken);
    if (status?.isAuthenticated) this.setToken(signedAuthToken);
    else this.clearToken();
    return { isAuthenticated: Boolean(status?.isAuthenticated), authError: hydrateError(status?.authError) };
  }

  async deauthenticate(): Promise<void> {
    await this.options.authEngine.removeToken(this.options.authTokenName);
    if (this.state === "open") this.transmit(Reserved.removeAuthToken);
    this.clearToken();
  }

  /** Used by handleServerEvent: adopt a token as this socket's. */
  setToken(signed: string): void {
    const was = this.authState;
    this.signedAuthToken = signed;
    this.authToken = decodeTokenPayload(signed);
    this.authState = "authenticated";
    this.emit("authenticate", { signedAuthToken: signed, authToken: this.authToken });
    if (was !== "authenticated") this.emit("authStateChange", { oldAuthState: was, newAuthState: "authenticated" });
  }

  clearToken(): void {
    const was = this.authState;
    this.signedAuthToken = null;
    this.authToken = null;
    this.authState = "unauthenticated";
    if (was === "authenticated") {
      this.emit("deauthenticate", {});
      this.emit("authStateChange", { oldAuthState: was, newAuthState: "unauthenticated" });
    }
  }

  /** Used by handleServerEvent: reply to a server invoke. */
  reply(rid: number, data: unknown, error?: unknown): void {
    this.#write(error === undefined ? { rid, data } : { rid, error: dehydrateError(error) });
  }

  async #handshake(ws: WebSocket): Promise<void> {
    const authToken = await this.options.authEngine.loadToken(this.options.authTokenName).catch(() => null);
    if (ws !== this.#ws) return;
    let status: { id: string; pingTimeout: number; isAuthenticated: boolean; authError?: unknown };
    try {
      status = await new Promise((resolve, reject) => {
        const pending: Pending = { event: Reserved.handshake, resolve: resolve as (data: unknown) => void, reject, timer: null };
        pending.timer = setTimeout(() => reject(namedError(ErrorName.Timeout, "Handshake timed out")), this.options.ackTimeout);
        this.#send({ packet: { event: Reserved.handshake, data: { authToken } }, pending });
      });
    } catch (error) {
      const code = (error as { statusCode?: number }).statusCode ?? CloseCode.HandshakeFailed;
      return this.#close(ws, code, `${(error as Error).name}: ${(error as Error).message}`);
    }
    this.state = "open";
    this.id = status.id;
    this.pingTimeout = status.pingTimeout;
    this.#attempt = 0;
    if (status.isAuthenticated && authToken) this.setToken(authToken);
    else if (this.authState === "authenticated") this.clearToken();
    this.#resetPingTimer();
    this.emit("connect", { ...status, authError: hydrateError(status.authError) ?? undefined });
    for (const channel of this.channels.values()) if (channel.state === "pending") this.#sendSubscribe(channel);
    for (const queued of this.#outbox.splice(0)) this.#send(queued);
  }

  #sendSubscribe(channel: Channel): void {
    if (channel.waitForAuth && this.authState !== "authenticated") return;
    const data: Record<string, unknown> = { channel: channel.name };
    if (channel.data) data.data = channel.data;
    if (channel.waitForAuth) data.waitForAuth = true;
    const cid = ++this.#cid;
    this.#pending.set(cid, {
      event: Reserved.subscribe, timer: null,
      resolve: () => {
        if (this.channels.get(channel.name) !== channel) return;
        channel.setState("subscribed", "subscribe", { channel: channel.name });
        this.emit("subscribe", { channel: channel.name });
      },
      reject: (error) => {
        if ((error as Error)?.name === ErrorName.BadConnection) return; // stays pending for the next connection
        this.channels.delete(channel.name);
        channel.setState("unsubscribed", "subscribeFail", { channel: channel.name, error });
        this.emit("subscribeFail", { channel: channel.name, error });
      },
    });
    this.#write({ event: Reserved.subscribe, data, cid });
  }

  #queue(queued: Queued): void {
    this.#outbox.push(queued);
    if (this.state === "closed" && !this.#reconnectTimer) this.connect();
  }

  #send(queued: Queued): void {
    if (!queued.pending) return this.#write(queued.packet);
    const cid = ++this.#cid;
    this.#pending.set(cid, queued.pending);
    this.#write({ ...queued.packet, cid });
  }

  #write(packet: unknown): void {
    this.#ws?.send(jsonCodec.encode(packet));
  }

  #receive(ws: WebSocket, text: string): void {
    if (ws !== this.#ws) return;
    if (text === "" || text === "#1") {
      this.#resetPingTimer();
      ws.send(this.options.protocolVersion === 1 ? "#2" : "");
      return;
    }
    const decoded = jsonCodec.decode(text);
    for (const packet of Array.isArray(decoded) ? decoded : [decoded]) {
      if (packet && typeof packet === "object" && typeof packet.event === "string") {
        handleServerEvent(this, packet);
      } else if (packet && typeof packet.rid === "number") {
        const pending = this.#pending.get(packet.rid);
        if (!pending) continue;
        this.#pending.delete(packet.rid);
        if (pending.timer) clearTimeout(pending.timer);
        const error = hydrateError(packet.error);
        if (error) pending.reject(error);
        else pending.resolve(packet.data);
      } else {
        this.emit("raw", packet);
      }
    }
  }

  #resetPingTimer(): void {
    if (this.#pingTimer) clearTimeout(this.#pingTimer);
    const ws = this.#ws;
    this.#pingTimer = setTimeout(() => ws && this.#close(ws, CloseCode.PingTimeout), this.pingTimeout);
  }

  #close(ws: WebSocket, code: number, reason?: string): void {
    // The close event may come late or never (a dead network): act now, once.
    try {
      ws.close(code >= 4000 || code === 1000 ? code : 1000, reason);
    } catch {
      ws.close();
    }
    this.#closed(ws, code, reason ?? "");
  }

  #closed(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.#ws) return;
    this.#ws = null;
    if (this.#pingTimer) clearTimeout(this.#pingTimer);
    const wasOpen = this.state === "open";
    this.state = "closed";
    const why = closeReason(code, reason);
    for (const channel of this.channels.values()) {
      if (channel.state === "subscribed") {
        channel.setState("pending", "unsubscribe", { channel: channel.name });
        this.emit("unsubscribe", { channel: channel.name });
      }
    }
    for (const [cid, pending] of this.#pending) {
      this.#pending.delete(cid);
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(namedError(ErrorName.BadConnection, `Socket ${wasOpen ? "invoke" : "connect"} ${pending.event} event was aborted`,
        { type: wasOpen ? "disconnect" : "connectAbort", code, reason: why }));
    }
    this.emit(wasOpen ? "disconnect" : "connectAbort", { code, reason: why });
    this.emit("close", { code, reason: why });
    this.#scheduleReconnect(code);
  }

  #scheduleReconnect(code: number): void {
    if (this.#manualClose || !this.options.autoReconnect) return;
    const policy = reconnectPolicy(code);
    if (policy === "never") return;
    const delay = policy === "at once" && this.#attempt === 0 ? 0 : reconnectDelay(this.#attempt, this.options.autoReconnectOptions);
    this.#attempt++;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.connect();
    }, delay);
  }
}
