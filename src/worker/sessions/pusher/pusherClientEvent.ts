/**
 * A client event (`client-*`): allowed only when the app has `clientEvents`, on a
 * private or presence channel the connection is subscribed to, with data of at most
 * 10 KB, within the namespace's `publish` rate. It passes inbound middleware as a
 * `publishIn` Action (its data the scx publication data, `{ event, data, user_id? }`)
 * and the channel's contract, and is published with the sender as the publication's
 * `skip`: every other subscriber of either protocol gets it, the sender never. Accepted,
 * it is also a `client_event` for the app's webhooks.
 *
 * @example
 * pusherClientEvent(worker, session, { kind: "client", event: "client-typing", channel: "private-chat", data: {} });
 */
import { channelKind } from "../../../protocol/pusher/channelNames.ts";
import { maxEventDataBytes, PusherCode } from "../../../protocol/pusher/errorCodes.ts";
import type { PusherInbound } from "../../../protocol/pusher/frames.ts";
import { pusherPublicationData } from "../../../protocol/pusher/publicationMapping.ts";
import type { SocketWorker } from "../../SocketWorker.ts";
import { type PublishInAction, runMiddleware } from "../../middleware.ts";
import { checkPublication, withPermission } from "../../contractsGate.ts";
import { admitPublish } from "../../limits.ts";
import type { PusherSession } from "./PusherSession.ts";

export function pusherClientEvent(
  worker: SocketWorker, session: PusherSession, packet: Extract<PusherInbound, { kind: "client" }>,
): Promise<void> | void {
  const { channel, event } = packet;
  if (!session.app.clientEvents) {
    return session.sendError(PusherCode.ClientEventRejected, `Client event rejected: client events are off for this app (pusher.apps clientEvents)`);
  }
  const kind = channelKind(channel);
  if (kind !== "private" && kind !== "presence" && kind !== "encrypted") {
    return session.sendError(PusherCode.ClientEventRejected, `Client event rejected: only private and presence channels take client events, not "${channel}"`);
  }
  if (!session.channels.has(channel)) {
    return session.sendError(PusherCode.ClientEventRejected, `Client event rejected: not subscribed to "${channel}"`);
  }
  const text = packet.data === undefined ? "" : typeof packet.data === "string" ? packet.data : JSON.stringify(packet.data);
  // Bytes: JSON text is mostly ASCII, so its length is the common answer without encoding it.
  const bytes = text.length > maxEventDataBytes / 3 ? new TextEncoder().encode(text).byteLength : text.length;
  if (bytes > maxEventDataBytes) {
    return session.sendError(PusherCode.MessageTooLarge, `Client event rejected: data is ${bytes} bytes, over the ${maxEventDataBytes} byte limit`);
  }
  if (!admitPublish(worker, session, worker.channels.namespace(channel), undefined)) {
    return session.sendError(PusherCode.RateLimited, `Client event rejected due to rate limit: over the publish rate of "${channel}"`);
  }
  const user = kind === "presence" ? session.presenceUsers.get(channel) : undefined;
  const action: PublishInAction = { type: "publishIn", socket: session, channel, data: pusherPublicationData(event, packet.data, user) };
  const finish = (blocked: Error | null): void => {
    if (blocked) return session.sendError(PusherCode.ClientEventRejected, `Client event rejected: ${blocked.message}`);
    const checked = checkPublication(worker, channel, action.data);
    if (!checked.ok) return session.sendError(PusherCode.ClientEventRejected, `Client event rejected: ${checked.error.message}`);
    try {
      worker.publish(channel, checked.data, "never", session.id);
    } catch (error) {
      return session.sendError(PusherCode.InvalidMessage, `Client event rejected: its data could not be encoded: ${(error as Error).message}`);
    }
    // Pusher's client_event webhook carries the data as JSON text (src/webhooks/).
    worker.webhooks.clientEvent({ app: session.app.id, channel, event, data: text, socketId: session.id, userId: user ?? null });
  };
  const blocked = withPermission(worker, session, "publish", channel, () => runMiddleware("inbound", worker.middlewares.inbound, action));
  return blocked instanceof Promise ? blocked.then(finish) : finish(blocked);
}
