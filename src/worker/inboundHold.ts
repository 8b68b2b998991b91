/**
 * A handler that must wait (a #subscribe of a fresh channel waiting on its broker) may hold
 * its socket's later frames instead of returning a promise: churn subscribes a fresh channel
 * every cycle, and the promise chain through the inbound queue was most of what that wait
 * cost a worker. A hold is offered only while receiveFrame handles a lone packet of that
 * socket synchronously; anywhere else (a drain, a batch, after async middleware)
 * holdInbound answers null and the handler returns a promise as before. Its own module so
 * handlers can reach it without importing receiveFrame (which imports them).
 *
 * @example
 * const release = holdInbound(socket); // null: return a promise instead
 * release?.(); // later: the frames that queued meanwhile go next
 */
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";

/** Lets the socket's queued frames go, or fails the socket (as a rejected handler would) given an error. */
export type Release = (error?: unknown) => void;
type Releaser = (worker: SocketWorker, socket: ServerSocket, error?: unknown) => void;

let offered: ServerSocket | null = null;
let offeredWorker: SocketWorker | null = null;
let releaser: Releaser | null = null;

/** receiveFrame: the socket whose frame is being handled now may be held (null: none may). */
export function offerHold(worker: SocketWorker | null, socket: ServerSocket | null, release: Releaser | null): void {
  offered = socket;
  offeredWorker = worker;
  releaser = release;
}

/** Hold the socket's later frames until the release is called; null when it cannot be held here. */
export function holdInbound(socket: ServerSocket): Release | null {
  if (offered !== socket) return null;
  const worker = offeredWorker!;
  const release = releaser!;
  offerHold(null, null, null);
  socket.busy = true;
  return (error) => release(worker, socket, error);
}
