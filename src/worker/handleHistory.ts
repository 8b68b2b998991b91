/**
 * `#history` from a client: `{ channel, since?, limit? }` answered by
 * `{ publications: [{ offset, data }], offset, epoch }`, ascending by offset: with
 * `since`, the first `limit` after it; without, the latest `limit`. It passes inbound
 * middleware as a `history` action (block → error reply, as for a subscribe); a channel
 * without history answers InvalidActionError naming the channel.
 *
 * @example
 * handleHistory(worker, socket, 5, { channel: "chat/1", since: { offset: 7, epoch: "x9f2" }, limit: 50 });
 */
import { dehydrateError } from "../protocol/dehydrate.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { streamPosition } from "../protocol/frames.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";
import { type HistoryAction, runMiddleware } from "./middleware.ts";

export function handleHistory(worker: SocketWorker, socket: ServerSocket, cid: number, data: unknown): Promise<void> | void {
  const fail = (error: unknown) => socket.send({ rid: cid, error: dehydrateError(error) });
  const request = (data ?? {}) as { channel?: unknown; since?: unknown; limit?: unknown };
  if (typeof request.channel !== "string" || request.channel.includes("\u0000")) {
    return fail(namedError(ErrorName.InvalidAction, "History channel name was malformatted"));
  }
  const channel = request.channel;
  const since = streamPosition(request.since);
  if (request.since !== undefined && !since) return fail(namedError(ErrorName.InvalidAction, "History since must be { offset, epoch }"));
  if (request.limit !== undefined && !(Number.isSafeInteger(request.limit) && (request.limit as number) > 0)) {
    return fail(namedError(ErrorName.InvalidAction, "History limit must be a positive integer"));
  }
  if (!worker.channels.namespace(channel)?.history) {
    return fail(namedError(ErrorName.InvalidAction, `The ${channel} channel has no history`));
  }
  const action: HistoryAction = { type: "history", socket, channel, data: { since, limit: request.limit as number | undefined } };
  const run = (blocked: Error | null): Promise<void> | void => {
    if (blocked) return fail(blocked);
    return worker.history(channel, action.data).then(({ publications, position }) => {
      socket.respond(cid, {
        publications: publications.map((pub) => pub.json === undefined ? { offset: pub.offset } : { offset: pub.offset, data: JSON.parse(pub.json) }),
        offset: position.offset,
        epoch: position.epoch,
      });
    }, fail);
  };
  const blocked = runMiddleware("inbound", worker.middlewares.inbound, action);
  return blocked instanceof Promise ? blocked.then(run) : run(blocked);
}
