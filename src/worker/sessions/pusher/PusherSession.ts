/**
 * One Pusher Channels connection on a socket worker. It is a ServerSocket (so
 * worker.clients, a channel's subscribers, presence, the server API, metrics and
 * middleware see it like any socket) whose outbound half speaks Pusher: its id is its
 * Pusher `socket_id`, its pings are `pusher:ping`, a disconnect is a `pusher:error`
 * followed by a close with a Pusher code, and SocketCluster-only calls (invoke, auth
 * tokens) refuse.
 *
 * @example
 * const session = new PusherSession(worker, connection, app, sessions);
 * session.sendEvent("pusher:connection_established", { socket_id: session.id, activity_timeout: 20 });
 */
import type { WsConnection } from "../../../runtime/runtime.ts";
import type { PusherApp } from "../../../config/pusher.ts";
import { ErrorName, namedError } from "../../../protocol/errorNames.ts";
import { errorFrame, eventFrame } from "../../../protocol/pusher/frames.ts";
import { closeCodeToPusher, pusherCodeTable, type PusherCodeNumber } from "../../../protocol/pusher/errorCodes.ts";
import { PusherEvent } from "../../../protocol/pusher/events.ts";
import { ServerSocket } from "../../ServerSocket.ts";
import type { ConnectionData } from "../../ConnectionData.ts";
import type { SocketHost } from "../../SocketHost.ts";
import type { SessionProtocol } from "../SessionProtocol.ts";
import { newSocketId } from "./socketId.ts";

const pingFrame = eventFrame(PusherEvent.ping, {});

export class PusherSession extends ServerSocket {
  override readonly id: string = newSocketId();
  /** Presence channels: the `user_id` this connection joined each with (from its channel_data). */
  readonly presenceUsers = new Map<string, string>();

  constructor(
    worker: SocketHost,
    connection: WsConnection<ConnectionData>,
    readonly app: PusherApp,
    readonly sessions: SessionProtocol,
  ) {
    super(worker, connection, connection.data.request);
  }

  override get protocol(): SessionProtocol {
    return this.sessions;
  }

  /** The signed-in user's id (`pusher:signin`), or null. */
  get userId(): string | null {
    const sub = this.authToken?.sub;
    return typeof sub === "string" ? sub : null;
  }

  override ping(): void {
    this.connection.send(pingFrame);
  }

  /** Send one Pusher event (its data as JSON text). */
  sendEvent(event: string, data: unknown, channel?: string): void {
    if (this.state === "closed") return;
    this.connection.send(eventFrame(event, data, channel));
  }

  /** Send a `pusher:error` that leaves the connection open (codes 4300–4399). */
  sendError(code: PusherCodeNumber, message: string): void {
    if (this.state === "closed") return;
    this.connection.send(errorFrame(code, message));
  }

  /** A server event to this connection: a Pusher event with that name. */
  override transmit(event: string, data?: unknown): void {
    this.sendEvent(event, data ?? {});
  }

  override invoke(event: string): Promise<unknown> {
    return Promise.reject(namedError(ErrorName.InvalidAction, `Cannot invoke "${event}" on a Pusher connection: the Pusher protocol has no replies`));
  }

  /** Pusher has no server-side unsubscribe message: the connection just stops getting the channel. */
  override kickOut(channel?: string | string[]): void {
    const channels = channel === undefined ? [...this.channels] : Array.isArray(channel) ? channel : [channel];
    for (const name of channels) if (this.channels.has(name)) this.worker.unsubscribeSocket(this, name);
  }

  override setAuthToken(): Promise<void> {
    return Promise.reject(namedError(ErrorName.InvalidAction, "Pusher connections sign in with pusher:signin, not auth tokens"));
  }

  override deauthenticate(): void {
    const had = this.authToken !== null;
    this.authToken = null;
    if (had) this.worker.emit("deauthentication", this);
  }

  /**
   * Close with the Pusher code for a SocketCluster close code (the worker's ping loop,
   * slow consumers, shutdown and the server API give those), or a Pusher code (4000–4399)
   * as it is: a `pusher:error` first, then the close.
   */
  override disconnect(code = 1000, reason?: string): void {
    if (this.state === "closed") return;
    const pusherCode = closeCodeToPusher(code);
    this.connection.send(errorFrame(pusherCode, reason || pusherCodeTable[pusherCode].meaning));
    this.connection.close(pusherCode, "");
  }

  /** Close with a Pusher code (never mapped). */
  closeWith(code: PusherCodeNumber, message: string): void {
    if (this.state === "closed") return;
    this.connection.send(errorFrame(code, message));
    this.connection.close(code, "");
  }
}
