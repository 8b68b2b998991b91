/**
 * `#presence` and `#presenceStats` from a client: `{ channel }` answered by
 * `{ members: [{ client, user, info }] }` or `{ clients, users }`. Only a socket
 * subscribed to the channel may ask (InvalidActionError otherwise, as on a channel
 * without presence); it then passes inbound middleware as a `presence` action, which can
 * refuse (block → error reply) but never allow what these checks refused. A channel with
 * more members than `presence.listLimit` answers PresenceLimitError to `#presence`.
 *
 * @example
 * handlePresence(worker, socket, 5, { channel: "room/1" }, false);
 */
import { dehydrateError } from "../protocol/dehydrate.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";
import { type PresenceAction, runMiddleware } from "./middleware.ts";

export function handlePresence(worker: SocketWorker, socket: ServerSocket, cid: number, data: unknown, stats: boolean): Promise<void> | void {
  const fail = (error: unknown) => socket.send({ rid: cid, error: dehydrateError(error) });
  const channel = (data as { channel?: unknown } | null)?.channel;
  if (typeof channel !== "string" || channel.includes("\u0000")) {
    return fail(namedError(ErrorName.InvalidAction, "Presence channel name was malformatted"));
  }
  if (!socket.channels.has(channel)) {
    return fail(namedError(ErrorName.InvalidAction, `Socket ${socket.id} tried to read the presence of the ${channel} channel, which it is not subscribed to`));
  }
  if (!worker.presence.has(channel)) return fail(namedError(ErrorName.InvalidAction, `The ${channel} channel has no presence`));
  const action: PresenceAction = { type: "presence", socket, channel, stats };
  const run = (blocked: Error | null): Promise<void> | void => {
    if (blocked) return fail(blocked);
    if (stats) return worker.presence.stats(channel).then((counts) => socket.respond(cid, counts), fail);
    const limit = worker.config.presence.listLimit;
    return worker.presence.members(channel, limit).then((members) => {
      if (!members) {
        return fail(namedError(ErrorName.PresenceLimit, `The ${channel} channel has more than ${limit} members: ask #presenceStats for its counts`));
      }
      socket.respond(cid, { members });
    }, fail);
  };
  const blocked = runMiddleware("inbound", worker.middlewares.inbound, action);
  return blocked instanceof Promise ? blocked.then(run) : run(blocked);
}
