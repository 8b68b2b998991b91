/**
 * One client connection on a socket worker: its state, auth token, channels, and the
 * outbound half of the protocol (transmit, invoke, kickOut, auth token push, close).
 * The inbound half lives in handleInbound.ts; the socket only keeps packets in order.
 *
 * @example
 * server.on("connection", (socket) => socket.transmit("welcome", { id: socket.id }));
 */
import type { WsConnection } from "../runtime/runtime.ts";
import { decodeTokenPayload } from "../protocol/decodeTokenPayload.ts";
import type { Frame } from "../protocol/codec.ts";
import type { SocketHost } from "./SocketHost.ts";
import { CloseCode } from "../protocol/closeCodes.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { dehydrateError, hydrateError } from "../protocol/dehydrate.ts";
import { Reserved } from "../protocol/packets.ts";
import type { SignOptions } from "../auth/AuthEngine.ts";
import type { SessionProtocol } from "./sessions/SessionProtocol.ts";
import { SmallSet } from "./SmallSet.ts";
import type { ConnectionData, SocketRequest } from "./ConnectionData.ts";

export type SocketState = "connecting" | "open" | "closed";

interface PendingInvoke { event: string; resolve(data: unknown): void; reject(error: unknown): void; timer: ReturnType<typeof setTimeout> }

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

export class ServerSocket {
  readonly id = randomId();
  state: SocketState = "connecting";
  authToken: Record<string, unknown> | null = null;
  signedAuthToken: string | null = null;
  /** Channels this socket is subscribed to (Set-like; one channel costs no Set). */
  readonly channels = new SmallSet<string>();
  /** Last time anything arrived (pong or packet), for the pong timeout. */
  lastSeen = Date.now();
  handshakeTimer: ReturnType<typeof setTimeout> | null = null;
  /** Inbound frames waiting while an earlier one is still being handled (async middleware); made on first use. */
  #inbound: Frame[] | null = null;
  busy = false;
  #cid = 0;
  /** Server invokes awaiting the client's reply; created on first use (most sockets never need it). */
  #pendingMap: Map<number, PendingInvoke> | null = null;

  get #pending(): Map<number, PendingInvoke> {
    return this.#pendingMap ??= new Map();
  }

  /** The queue of inbound frames waiting their turn (created on first use). */
  get inbound(): Frame[] {
    return this.#inbound ??= [];
  }

  /** Whether inbound frames are waiting (without creating the queue). */
  get queued(): boolean {
    return this.#inbound !== null && this.#inbound.length > 0;
  }

  constructor(
    readonly worker: SocketHost,
    readonly connection: WsConnection<ConnectionData>,
    readonly request: SocketRequest,
  ) {}

  /** The wire protocol when it is not SocketCluster's (src/worker/sessions/); a getter, so SC sockets carry no field. */
  get protocol(): SessionProtocol | null {
    return null;
  }

  /** Send the protocol's keep-alive ping (SocketCluster's: the text the worker's ping loop gives). */
  ping(frame: string): void {
    this.connection.send(frame);
  }

  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }

  get authState(): "authenticated" | "unauthenticated" {
    return this.authToken ? "authenticated" : "unauthenticated";
  }

  /** Channels this socket is subscribed to, as a list. */
  subscriptions(): string[] {
    return [...this.channels];
  }

  /** Write one packet now (or an already-encoded frame). */
  send(packet: unknown): void {
    // Replies built as objects here (strings come encoded from respond and the fan-out, counted there).
    if (typeof packet === "object" && packet !== null && "rid" in packet && this.worker.counters) this.worker.counters.sent.response++;
    if (this.state === "closed") return;
    this.connection.send(typeof packet === "string" || packet instanceof Uint8Array ? packet : this.worker.codec.encode(packet));
  }

  /**
   * Answer an invoke with no data (every #subscribe and #unsubscribe reply): on JSON the
   * frame is written as text, without an encoder or an object per reply.
   */
  ack(rid: number): void {
    if (this.worker.counters) this.worker.counters.sent.response++;
    if (this.state === "closed") return;
    const codec = this.worker.codec;
    this.connection.send(codec.binary ? codec.encode({ rid }) : `{"rid":${rid}}`);
  }

  /**
   * Answer an invoke. A reply that cannot be encoded (a cycle, a BigInt, nesting too deep)
   * becomes an InvalidMessageError reply rather than an exception in the caller.
   */
  respond(rid: number, data: unknown): void {
    let frame: Frame;
    try {
      frame = this.worker.codec.encode(data === undefined ? { rid } : { rid, data });
    } catch (error) {
      return this.respondError(rid, namedError(ErrorName.InvalidMessage, `The reply could not be encoded: ${(error as Error).message}`));
    }
    if (this.worker.counters) this.worker.counters.sent.response++;
    this.send(frame);
  }

  /** Answer an invoke with an error (dehydrated: name, message and own fields, never the stack). */
  respondError(rid: number, error: unknown): void {
    let frame: Frame;
    try {
      frame = this.worker.codec.encode({ rid, error: dehydrateError(error) });
    } catch (encodeError) {
      frame = this.worker.codec.encode({ rid, error: dehydrateError(namedError(ErrorName.InvalidMessage,
        `The error reply could not be encoded: ${(encodeError as Error).message}`)) });
    }
    if (this.worker.counters) this.worker.counters.sent.response++;
    this.send(frame);
  }

  /** Send an event that expects no reply. */
  transmit(event: string, data?: unknown): void {
    if (this.worker.counters) this.worker.counters.sent.transmit++;
    this.send(data === undefined ? { event } : { event, data });
  }

  /** Send an event and wait for the client's reply, at most `ackTimeout` ms. */
  invoke(event: string, data?: unknown, options: { ackTimeout?: number } = {}): Promise<unknown> {
    if (this.state !== "open") {
      return Promise.reject(namedError(ErrorName.BadConnection, `Socket invoke ${event} event was aborted`, { type: "disconnect" }));
    }
    const cid = ++this.#cid;
    return new Promise((resolve, reject) => {
      const timeout = options.ackTimeout ?? this.worker.config.ackTimeout;
      const timer = setTimeout(() => {
        this.#pending.delete(cid);
        reject(namedError(ErrorName.Timeout, `Event response for ${event} event timed out`));
      }, timeout);
      this.#pending.set(cid, { event, resolve, reject, timer });
      if (this.worker.counters) this.worker.counters.sent.invoke++;
      this.send(data === undefined ? { event, cid } : { event, data, cid });
    });
  }

  /** Settle a server invoke with the client's response; unknown rids are ignored. */
  settle(rid: number, data: unknown, error: unknown): void {
    const pending = this.#pending.get(rid);
    if (!pending) return;
    this.#pending.delete(rid);
    clearTimeout(pending.timer);
    const hydrated = hydrateError(error);
    if (hydrated) pending.reject(hydrated);
    else pending.resolve(data);
  }

  /** Remove the socket from a channel (or from all), telling the client with #kickOut. */
  kickOut(channel?: string | string[], message?: string): void {
    const channels = channel === undefined ? [...this.channels] : Array.isArray(channel) ? channel : [channel];
    for (const name of channels) {
      if (!this.channels.has(name)) continue;
      this.transmit(Reserved.kickOut, message === undefined ? { channel: name } : { channel: name, message });
      this.worker.unsubscribeSocket(this, name);
    }
  }

  /** Sign a token for this payload, keep it as the socket's, and push it to the client. */
  async setAuthToken(payload: Record<string, unknown>, options?: SignOptions): Promise<void> {
    if (this.state !== "open") {
      throw namedError(ErrorName.InvalidAction, "Cannot set an auth token before the handshake completes");
    }
    let signed: string;
    try {
      signed = await this.worker.authEngine().signToken(payload, options);
    } catch (error) {
      this.disconnect(CloseCode.AuthSignFailed);
      throw error;
    }
    this.signedAuthToken = signed;
    // UTF-8, by the decoder the client uses too (atob alone would read it as Latin-1).
    this.authToken = decodeTokenPayload(signed) ?? payload;
    this.transmit(Reserved.setAuthToken, { token: signed });
    this.worker.emit("authentication", this);
  }

  /** Drop the socket's token here and on the client. */
  deauthenticate(): void {
    const had = this.authToken !== null;
    this.authToken = null;
    this.signedAuthToken = null;
    this.transmit(Reserved.removeAuthToken);
    if (had) this.worker.emit("deauthentication", this);
  }

  /** Close the connection; the client sees the code and reason (or the table's meaning). */
  disconnect(code: number = CloseCode.Normal, reason?: string): void {
    if (this.state === "closed") return;
    // Like SocketCluster, send no reason text of our own: clients fill in the table's meaning.
    this.connection.close(code, reason ?? "");
  }

  /** Called once when the connection is gone: fail pending invokes, leave channels. */
  cleanup(code: number, reason: string): void {
    this.state = "closed";
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    for (const [cid, pending] of this.#pendingMap ?? []) {
      clearTimeout(pending.timer);
      pending.reject(namedError(ErrorName.BadConnection, `Socket invoke ${pending.event} event was aborted`,
        { type: "disconnect", code, reason }));
      this.#pendingMap!.delete(cid);
    }
    for (const channel of [...this.channels]) this.worker.unsubscribeSocket(this, channel);
    this.#inbound = null;
  }
}
