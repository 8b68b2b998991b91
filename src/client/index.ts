/**
 * The scx client for browsers, Bun, Deno and Node 20+: `import { create } from "scx/client"`,
 * or in a page served by scx, `import { create } from "/scx-client.js"`.
 */
export { create } from "./create.ts";
export { ClientSocket, type ServerRequest, type SocketState } from "./ClientSocket.ts";
export { Channel, type ChannelState } from "./Channel.ts";
export type { ClientOptions } from "./options.ts";
export { type BackoffOptions, reconnectDelay } from "./backoff.ts";
export type { AuthStorage } from "./authStorage.ts";
export { ErrorName } from "../protocol/errorNames.ts";
