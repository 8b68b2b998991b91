/**
 * Create a client socket (SocketCluster's `create`). It connects at once unless
 * `autoConnect: false`.
 *
 * @example
 * import { create } from "scx/client";
 * const socket = create({ hostname: "localhost", port: 8000 });
 * socket.subscribe("chat").watch((message) => console.log(message));
 */
import { ClientSocket } from "./ClientSocket.ts";
import type { ClientOptions } from "./options.ts";

export function create(options: ClientOptions = {}): ClientSocket {
  return new ClientSocket(options);
}
