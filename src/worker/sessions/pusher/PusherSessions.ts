/**
 * The Pusher protocol on one socket worker: opens Pusher connections (`/app/{key}`),
 * reads their frames in order, and is the SessionProtocol the channel table hands
 * publications and presence events to. Its sessions join the native topic
 * `"\u0000pusher:" + channel`, and each publication becomes one Pusher frame per worker
 * (publicationMapping.ts), however many Pusher subscribers get it.
 *
 * @example
 * const pusher = new PusherSessions(worker);
 * pusher.open(connection); // on a WebSocket open whose data.pusher is an app key
 * pusher.receive(session, frame);
 */
import type { PusherApp } from "../../../config/pusher.ts";
import type { Publication } from "../../../protocol/publication.ts";
import type { BrokerToWorker } from "../../../threads/messages.ts";
import type { WsConnection } from "../../../runtime/runtime.ts";
import { errorFrame, parsePusherFrame, type PusherInbound } from "../../../protocol/pusher/frames.ts";
import { PusherCode } from "../../../protocol/pusher/errorCodes.ts";
import { CloseCode } from "../../../protocol/closeCodes.ts";
import { PusherEvent, protocolVersions } from "../../../protocol/pusher/events.ts";
import { publicationFrame } from "../../../protocol/pusher/publicationMapping.ts";
import { channelKind } from "../../../protocol/pusher/channelNames.ts";
import type { ServerSocket } from "../../ServerSocket.ts";
import type { ConnectionData } from "../../ConnectionData.ts";
import type { SocketWorker } from "../../SocketWorker.ts";
import type { SessionProtocol } from "../SessionProtocol.ts";
import { admitPacket } from "../../limits.ts";
import { admitConnection, capsEnabled } from "../../connectionCaps.ts";
import { PusherSession } from "./PusherSession.ts";
import { PusherPresence } from "./PusherPresence.ts";
import { pusherSubscribe, pusherUnsubscribe } from "./pusherSubscribe.ts";
import { pusherClientEvent } from "./pusherClientEvent.ts";
import { pusherSignin } from "./pusherSignin.ts";

const topicPrefix = "\u0000pusher:";
const pusherPacket = { kind: "pusher" } as const;

export class PusherSessions implements SessionProtocol {
  readonly name = "pusher";
  readonly #apps: Map<string, PusherApp>;
  readonly presence: PusherPresence;

  constructor(private readonly worker: SocketWorker) {
    this.#apps = new Map(worker.config.pusher.apps.map((app) => [app.key, app]));
    this.presence = new PusherPresence(worker, (channel) => this.topic(channel));
    worker.on("unsubscription", (socket, channel) => {
      if (socket.protocol === this && channelKind(channel) === "presence" && !this.worker.channels.get(channel)?.foreign?.has(this)) {
        this.presence.forget(channel);
      }
    });
  }

  /** Whether a key belongs to a configured app. */
  hasApp(key: string): boolean {
    return this.#apps.has(key);
  }

  topic(channel: string): string {
    return topicPrefix + channel;
  }

  publicationFrame(pub: Publication): string {
    return publicationFrame(pub.ch, pub.json);
  }

  presenceEvent(message: Extract<BrokerToWorker, { t: "pev" }>): void {
    this.presence.event(message);
  }

  /**
   * A Pusher connection opened: an unknown key or protocol version gets its pusher:error
   * and close; otherwise it becomes a session, open (once its connection-cap slot is
   * taken, where caps are on: else 4004), told its socket_id.
   */
  open(connection: WsConnection<ConnectionData>): PusherSession | null {
    const app = this.#apps.get(connection.data.pusher ?? "");
    const refused = app ? versionError(connection.data.request.url) : { code: PusherCode.AppNotFound, message: `App key "${connection.data.pusher}" is not on this server` };
    if (refused) {
      connection.send(errorFrame(refused.code, refused.message));
      connection.close(refused.code, "");
      return null;
    }
    const session = new PusherSession(this.worker, connection, app!, this);
    connection.data.socket = session;
    this.worker.clients.set(session.id, session);
    if (!capsEnabled(this.worker)) this.#established(session);
    else {
      // limits.connectionsPerIp (and, on pusher:signin, connectionsPerUser) count Pusher connections too.
      void admitConnection(this.worker, session, null).then((refused) => {
        if (session.state === "closed") return;
        if (refused) session.closeWith(PusherCode.OverConnectionQuota, refused.message);
        else this.#established(session);
      });
    }
    return session;
  }

  #established(session: PusherSession): void {
    session.state = "open";
    session.sendEvent(PusherEvent.connectionEstablished, {
      socket_id: session.id, activity_timeout: Math.max(1, Math.round(this.worker.config.pingTimeout / 1000)),
    });
    this.worker.emit("connection", session);
  }

  /** One inbound frame, handled after any earlier one still in async middleware. */
  receive(socket: ServerSocket, frame: string | Uint8Array): void {
    const session = socket as PusherSession;
    session.lastSeen = Date.now();
    if (session.busy) {
      session.inbound.push(frame);
      return;
    }
    const pending = this.#handle(session, frame);
    if (pending) {
      session.busy = true;
      pending.then(() => this.#drain(session), (error) => this.#failed(session, error));
    }
  }

  async #drain(session: PusherSession): Promise<void> {
    try {
      while (session.inbound.length > 0 && session.state !== "closed") await this.#handle(session, session.inbound.shift()!);
    } catch (error) {
      return this.#failed(session, error);
    }
    session.busy = false;
  }

  #failed(session: PusherSession, error: unknown): void {
    this.worker.log.error("Pusher frame handling failed", { socket: session.id, error: String((error as Error)?.stack ?? error) });
    session.busy = false;
    session.disconnect(CloseCode.InternalError);
  }

  #handle(session: PusherSession, frame: string | Uint8Array): Promise<void> | void {
    if (session.state !== "open") return;
    const packet: PusherInbound = parsePusherFrame(frame);
    if (packet.kind === "pong") return;
    if (packet.kind === "ping") return session.sendEvent(PusherEvent.pong, {});
    if (!admitPacket(this.worker, session, pusherPacket)) {
      return session.sendError(PusherCode.RateLimited, "Rate limit exceeded: over limits.inbound");
    }
    switch (packet.kind) {
      case "invalid": return session.sendError(packet.code, packet.message);
      case "subscribe": return pusherSubscribe(this.worker, this.presence, session, packet);
      case "unsubscribe": return pusherUnsubscribe(this.worker, session, packet.channel);
      case "client": return pusherClientEvent(this.worker, session, packet);
      case "signin": return pusherSignin(this.worker, session, packet);
    }
  }
}

/** Pusher's protocol version rules for the upgrade's `protocol` query parameter, or null when it is fine. */
function versionError(url: string): { code: (typeof PusherCode)[keyof typeof PusherCode]; message: string } | null {
  const protocol = new URL(url).searchParams.get("protocol");
  if (protocol === null) return { code: PusherCode.NoProtocol, message: "No protocol version supplied: connect with ?protocol=7" };
  if (!/^\d+$/.test(protocol)) return { code: PusherCode.InvalidVersion, message: `Invalid version string format: "${protocol.slice(0, 32)}"` };
  const version = Number(protocol);
  if (version < protocolVersions.min || version > protocolVersions.max) {
    return { code: PusherCode.UnsupportedProtocol, message: `Unsupported protocol version ${version}: scx speaks ${protocolVersions.min} to ${protocolVersions.max}` };
  }
  return null;
}
