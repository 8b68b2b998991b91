/**
 * `pusher:subscribe` and `pusher:unsubscribe`: the channel name check, the app's auth
 * signature on `private-`, `private-encrypted-` and `presence-` channels (presence: over
 * the channel_data too, whose `user_id` becomes the member's user), the same inbound
 * middleware and contracts a SocketCluster subscribe passes (a `subscribe` Action whose
 * `data` is `{ auth, channel_data }`), then `pusher_internal:subscription_succeeded`
 * (with `{ presence: { ids, hash, count } }` on presence channels) once the broker knows.
 * Every refusal is a `pusher:subscription_error` with `channel` set.
 *
 * @example
 * pusherSubscribe(worker, presence, session, { kind: "subscribe", channel: "news" });
 */
import { channelKind, invalidNameMessage, validChannelName } from "../../../protocol/pusher/channelNames.ts";
import { verifyChannelAuth } from "../../../protocol/pusher/channelAuth.ts";
import { subscriptionErrorFrame } from "../../../protocol/pusher/frames.ts";
import type { PusherInbound } from "../../../protocol/pusher/frames.ts";
import { PusherEvent } from "../../../protocol/pusher/events.ts";
import type { SocketWorker } from "../../SocketWorker.ts";
import { runMiddleware, type SubscribeAction } from "../../middleware.ts";
import { withPermission } from "../../contractsGate.ts";
import type { PusherSession } from "./PusherSession.ts";
import type { PusherPresence } from "./PusherPresence.ts";

/** The channel a signed-in user receives the server's messages to that user on (pusher-js subscribes to it after signin). */
export const serverToUserPrefix = "#server-to-user-";

function refuse(session: PusherSession, channel: string, type: string, error: string, status: number): void {
  if (session.state === "closed") return;
  session.connection.send(subscriptionErrorFrame(channel, type, error, status));
}

export function pusherSubscribe(
  worker: SocketWorker, presence: PusherPresence, session: PusherSession,
  packet: Extract<PusherInbound, { kind: "subscribe" }>,
): Promise<void> | void {
  const { channel } = packet;
  const toUser = channel.startsWith(serverToUserPrefix);
  if (toUser ? channel.slice(serverToUserPrefix.length) !== session.userId : !validChannelName(channel)) {
    return refuse(session, channel, toUser ? "AuthError" : "InvalidChannelName",
      toUser ? `Sign in as "${channel.slice(serverToUserPrefix.length)}" to subscribe to ${channel}` : invalidNameMessage(channel), toUser ? 401 : 400);
  }
  const limit = worker.config.socketChannelLimit;
  if (limit !== null && session.channels.size >= limit && !session.channels.has(channel)) {
    return refuse(session, channel, "LimitReached", `Subscription limit reached: at most ${limit} channels per connection`, 400);
  }
  const kind = toUser ? "public" : channelKind(channel);
  let user: string | undefined;
  let info: Record<string, unknown> | null = null;
  if (kind !== "public") {
    const channelData = kind === "presence" ? packet.channelData ?? "" : undefined;
    if (!verifyChannelAuth(session.app, session.id, channel, packet.auth, channelData)) {
      return refuse(session, channel, "AuthError", `Invalid signature: the auth for ${channel} does not match this connection's socket_id and the app's secret`, 401);
    }
    if (kind === "presence") {
      const member = parseChannelData(channelData!);
      if (typeof member === "string") return refuse(session, channel, "AuthError", member, 401);
      ({ user, info } = member);
    }
  }
  const action: SubscribeAction = {
    type: "subscribe", socket: session, channel,
    data: { auth: packet.auth, channel_data: packet.channelData }, info,
  };
  const finish = (blocked: Error | null): Promise<void> | void => {
    if (blocked) return refuse(session, channel, blocked.name, blocked.message, 403);
    if (session.state === "closed") return;
    if (user !== undefined) session.presenceUsers.set(channel, user);
    return worker.subscribeSocket(session, channel, {
      info: action.info,
      user,
      reply: () => {
        if (kind !== "presence") return session.sendEvent(PusherEvent.subscriptionSucceeded, {}, channel);
        presence.subscribed(channel).then(
          (hash) => session.sendEvent(PusherEvent.subscriptionSucceeded, { presence: hash }, channel),
          (error: Error) => refuse(session, channel, error.name, error.message, 500),
        );
      },
      fail: (error) => {
        worker.unsubscribeSocket(session, channel);
        refuse(session, channel, error.name, error.message, 500);
      },
    });
  };
  const blocked = withPermission(worker, session, "subscribe", channel, () => runMiddleware("inbound", worker.middlewares.inbound, action));
  return blocked instanceof Promise ? blocked.then(finish) : finish(blocked);
}

export function pusherUnsubscribe(worker: SocketWorker, session: PusherSession, channel: string): void {
  session.presenceUsers.delete(channel);
  worker.unsubscribeSocket(session, channel);
}

/** A presence channel's channel_data: `{ user_id, user_info? }`, or why it is refused. */
function parseChannelData(text: string): { user: string; info: Record<string, unknown> | null } | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "Invalid channel_data: not JSON";
  }
  const userId = (value as { user_id?: unknown } | null)?.user_id;
  if (typeof userId !== "string" && typeof userId !== "number") return "Invalid channel_data: it needs a user_id (a string or a number)";
  const info = (value as { user_info?: unknown }).user_info;
  return { user: String(userId), info: info === undefined ? null : info as Record<string, unknown> };
}
