/**
 * #subscribe, #unsubscribe and #publish from a client, with SocketCluster's error names
 * and messages. Errors are answered only when the packet carried a cid.
 *
 * @example
 * handleChannelPacket(worker, socket, { kind: "publish", cid: 4, channel: "chat", data: "hi" });
 */
import type { Inbound } from "../protocol/frames.ts";
import { dehydrateError } from "../protocol/dehydrate.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";
import { type PublishInAction, runMiddleware, type SubscribeAction } from "./middleware.ts";
import type { StreamPosition } from "../protocol/publication.ts";
import { admitPublish } from "./limits.ts";
import { checkPublication, withPermission } from "./contractsGate.ts";
import { holdInbound } from "./inboundHold.ts";

type ChannelPacket = Extract<Inbound, { kind: "subscribe" | "unsubscribe" | "publish" }>;

function reply(socket: ServerSocket, cid: number | undefined, error?: Error | null): void {
  if (cid === undefined) return;
  if (error) socket.send({ rid: cid, error: dehydrateError(error) });
  else socket.ack(cid);
}

export function handleChannelPacket(worker: SocketWorker, socket: ServerSocket, packet: ChannelPacket): Promise<void> | void {
  // NUL is reserved for scx's internal topics (the ping pseudo-channel).
  if (packet.channel === undefined || packet.channel.includes("\u0000")) {
    const what = packet.kind === "subscribe" ? "Subscribe" : packet.kind === "unsubscribe" ? "Unsubscribe" : "Publish";
    return reply(socket, packet.cid, namedError(ErrorName.InvalidAction, `${what} channel name was malformatted`));
  }
  if (packet.kind === "subscribe") return subscribe(worker, socket, packet.cid, packet.channel, packet.data, packet.since);
  if (packet.kind === "publish") return publish(worker, socket, packet.cid, packet.channel, packet.data);
  if (!socket.channels.has(packet.channel)) {
    return reply(socket, packet.cid, namedError(ErrorName.Broker,
      `Failed to unsubscribe socket from the ${packet.channel} channel - InvalidActionError: Socket ${socket.id} tried to unsubscribe from a channel which it is not subscribed to`));
  }
  worker.unsubscribeSocket(socket, packet.channel);
  if (packet.cid === undefined || !worker.presence.has(packet.channel)) return reply(socket, packet.cid);
  // A presence channel: the reply waits until the broker has the leave, so a #presence
  // asked afterwards (from any worker) no longer lists the member. A stats read on the
  // same ordered link is answered after it.
  const cid = packet.cid;
  return worker.links.request(packet.channel, { t: "presence", ch: packet.channel, stats: true })
    .then(() => reply(socket, cid), () => reply(socket, cid));
}

function subscribe(worker: SocketWorker, socket: ServerSocket, cid: number | undefined, channel: string, data: unknown, since?: StreamPosition) {
  const limit = worker.config.socketChannelLimit;
  if (limit !== null && socket.channels.size >= limit && !socket.channels.has(channel)) {
    return reply(socket, cid, namedError(ErrorName.Broker,
      `Failed to subscribe socket to the ${channel} channel - InvalidActionError: Socket ${socket.id} tried to exceed the channel subscription limit of ${limit}`));
  }
  const action: SubscribeAction = { type: "subscribe", socket, channel, data };
  const finish = (blocked: Error | null): Promise<void> | void => {
    if (blocked) return reply(socket, cid, blocked);
    if (socket.state === "closed") return;
    return worker.subscribeSocket(socket, channel, {
      since,
      info: action.info,
      // On history channels the reply carries the position: { offset, epoch[, recovered] }.
      reply: (position) => {
        if (cid === undefined) return;
        if (position === undefined) socket.ack(cid);
        else socket.send({ rid: cid, data: position });
      },
      hold: () => holdInbound(socket),
      fail: (error) => {
        worker.unsubscribeSocket(socket, channel);
        reply(socket, cid, error);
      },
    });
  };
  const blocked = withPermission(worker, socket, "subscribe", channel, () => runMiddleware("inbound", worker.middlewares.inbound, action));
  return blocked instanceof Promise ? blocked.then(finish) : finish(blocked);
}

function publish(worker: SocketWorker, socket: ServerSocket, cid: number | undefined, channel: string, data: unknown) {
  if (!worker.config.allowClientPublish) {
    return reply(socket, cid, namedError(ErrorName.InvalidAction, "Client publish feature is disabled"));
  }
  if (!admitPublish(worker, socket, worker.channels.namespace(channel), cid)) return;
  const action: PublishInAction = { type: "publishIn", socket, channel, data };
  const finish = (blocked: Error | null): Promise<void> | void => {
    if (blocked) return reply(socket, cid, blocked);
    // The contract's schema, on what middleware let through: a subscriber never sees an invalid one.
    const checked = checkPublication(worker, channel, action.data);
    if (!checked.ok) return reply(socket, cid, checked.error);
    let published;
    try {
      // With a cid on a kept channel, the reply waits for the history store's answer (and carries its error).
      published = worker.publish(channel, checked.data, cid === undefined ? "never" : "auto");
    } catch (error) {
      return reply(socket, cid, namedError(ErrorName.InvalidMessage, `The publication could not be encoded: ${(error as Error).message}`));
    }
    if (!published) return reply(socket, cid);
    published.then(() => reply(socket, cid), (error) => reply(socket, cid, error));
  };
  const blocked = withPermission(worker, socket, "publish", channel, () => runMiddleware("inbound", worker.middlewares.inbound, action));
  return blocked instanceof Promise ? blocked.then(finish) : finish(blocked);
}
