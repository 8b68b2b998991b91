/**
 * Local fan-out when outbound middleware exists: each subscriber's publishOut action runs
 * on its own, may drop the delivery for that socket only or replace its data, and keeps
 * that socket's deliveries in publish order even when the middleware is async.
 *
 * @example
 * deliverWithMiddleware(worker, sockets, "chat", frame);
 */
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";
import { type PublishOutAction, runMiddleware } from "./middleware.ts";
import { publishFrame } from "../protocol/packets.ts";

const outboundChains = new WeakMap<ServerSocket, Promise<void>>();

export function deliverWithMiddleware(
  worker: SocketWorker, sockets: Set<ServerSocket> | undefined, channel: string, frame: string,
): void {
  if (!sockets || sockets.size === 0) return;
  const data = (worker.codec.decode(frame) as { data: { data: unknown } }).data.data;
  for (const socket of sockets) {
    const action: PublishOutAction = { type: "publishOut", socket, channel, data };
    const send = (blocked: Error | null) => {
      if (blocked || !socket.channels.has(channel)) return;
      socket.send(action.data === data ? frame : publishFrame(worker.codec, channel, action.data));
    };
    const run = () => runMiddleware("outbound", worker.middlewares.outbound, action);
    const previous = outboundChains.get(socket);
    let next: Promise<void>;
    if (previous) {
      next = previous.then(async () => send(await run()));
    } else {
      const result = run();
      if (!(result instanceof Promise)) {
        send(result);
        continue;
      }
      next = result.then(send);
    }
    const tracked: Promise<void> = next.finally(() => {
      if (outboundChains.get(socket) === tracked) outboundChains.delete(socket);
    });
    outboundChains.set(socket, tracked);
  }
}
