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
import type { SocketFor } from "./typedSocket.ts";

/** With a contracts module's type (`create<typeof contracts>()`), invoke/subscribe/publish are typed (typedSocket.ts). */
export function create<C = undefined>(options: ClientOptions = {}): SocketFor<C> {
  return new ClientSocket(options) as SocketFor<C>;
}
