/**
 * What each socket worker does for the server API, as control ops (src/control/): every
 * worker of every host runs them on its own sockets, and the API sums the answers.
 * A user is the `sub` of a socket's auth token; a client is a socket id.
 *
 * - `disconnect` `{ user? | client?, code?, reason? }` → how many sockets it closed;
 * - `subscribe` `{ channel, user? | client? }` → how many it subscribed: the socket gets
 *   the channel's publications, and the client a `#subscribe` event `{ channel }` (a
 *   socketcluster-client app hears it on `socket.receiver("#subscribe")`);
 * - `unsubscribe` → how many it removed, each told by `#kickOut` (socketcluster-client
 *   then ends that channel's subscription, as when the server kicks it out);
 * - `channels` `{ pattern? }` → `[{ channel, subscribers }]` of this worker;
 * - `stats` → `{ connections, subscriptions, channels }` of this worker.
 *
 * @example
 * registerApiOps(handlers, worker);
 * await handlers.answer("disconnect", { user: "ann" }); // { value: 2 }
 */
import type { ControlHandlers } from "../control/ControlHandlers.ts";
import type { SocketWorker } from "../worker/SocketWorker.ts";
import type { ServerSocket } from "../worker/ServerSocket.ts";
import { type ChannelNamespace, namespaceMatcher } from "../config/namespaces.ts";
import { CloseCode } from "../protocol/closeCodes.ts";

/** Which sockets an op is about. */
export interface SocketTarget { user?: string; client?: string }

/**
 * Open sockets of a user (token `sub`) or with a client id.
 *
 * @example
 * targetSockets(worker, { user: "ann" }).length; // ann's connections on this worker
 */
export function targetSockets(worker: SocketWorker, target: SocketTarget): ServerSocket[] {
  if (target.client !== undefined) {
    const socket = worker.clients.get(target.client);
    return socket && socket.state === "open" ? [socket] : [];
  }
  if (target.user === undefined) return [];
  return [...worker.clients.values()].filter((socket) => socket.state === "open" && socket.authToken?.sub === target.user);
}

/**
 * A glob over `/`-separated segments as in `channels:` (`*` one segment, `**` any); none matches all.
 *
 * @example
 * channelPattern("chat/*")("chat/1"); // true
 */
export function channelPattern(pattern: string | undefined): (channel: string) => boolean {
  if (pattern === undefined || pattern === "" || pattern === "**") return () => true;
  const find = namespaceMatcher([{ match: pattern } as ChannelNamespace]);
  return (channel) => find(channel) !== null;
}

export function registerApiOps(handlers: ControlHandlers, worker: SocketWorker): void {
  handlers.on("disconnect", (args: SocketTarget & { code?: number; reason?: string }) => {
    const sockets = targetSockets(worker, args);
    for (const socket of sockets) socket.disconnect(args.code ?? CloseCode.Normal, args.reason);
    return sockets.length;
  });
  handlers.on("subscribe", (args: SocketTarget & { channel: string }) => {
    const sockets = targetSockets(worker, args).filter((socket) => !socket.channels.has(args.channel));
    for (const socket of sockets) {
      void worker.subscribeSocket(socket, args.channel, {
        reply: (data) => socket.transmit("#subscribe", { channel: args.channel, ...(data && typeof data === "object" ? data : {}) }),
        fail: (error) => worker.log.warn("Server-side subscribe failed", { socket: socket.id, channel: args.channel, error: error.message }),
      });
    }
    return sockets.length;
  });
  handlers.on("unsubscribe", (args: SocketTarget & { channel: string }) => {
    const sockets = targetSockets(worker, args).filter((socket) => socket.channels.has(args.channel));
    for (const socket of sockets) socket.kickOut(args.channel);
    return sockets.length;
  });
  handlers.on("channels", (args: { pattern?: string } = {}) => {
    const matches = channelPattern(args.pattern);
    return worker.channels.names().filter(matches)
      .map((channel) => ({ channel, subscribers: worker.channels.get(channel)?.sockets.size ?? 0 }))
      .filter((entry) => entry.subscribers > 0);
  });
  handlers.on("stats", () => {
    let subscriptions = 0;
    for (const socket of worker.clients.values()) subscriptions += socket.channels.size;
    const channels = worker.channels.names().filter((name) => (worker.channels.get(name)?.sockets.size ?? 0) > 0).length;
    return { connections: [...worker.clients.values()].filter((s) => s.state === "open").length, subscriptions, channels };
  });
}
