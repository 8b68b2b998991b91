/**
 * The scx client for browsers, Bun, Deno and Node 20+: `import { create } from "scx/client"`,
 * or in a page served by scx, `import { create } from "/scx-client.js"`. It imports only
 * the pure protocol layer, so it bundles for browsers as one small ES module.
 */
export { create } from "./create.ts";
export { ClientSocket, type ConnectStatus, type SocketState } from "./ClientSocket.ts";
export type { AuthState, AuthStatus } from "./ClientAuth.ts";
export { Channel, type ChannelState, type HistoryOptions, type HistoryPage, type SubscribeOptions } from "./Channel.ts";
export type { Recovery } from "./ChannelPosition.ts";
export type { StreamPosition } from "../protocol/publication.ts";
export type { Member, PresenceStats } from "../protocol/presence.ts";
export type { ServerRequest } from "./handleServerEvent.ts";
export type { EventStream } from "./Listeners.ts";
export type { ClientOptions } from "./options.ts";
export type { ChannelInput, ChannelOutput, PatternName, ProcedureInput, ProcedureOutput, SocketFor, TypedSocket } from "./typedSocket.ts";
export { type BackoffOptions, reconnectDelay } from "./backoff.ts";
export type { AuthStorage } from "./authStorage.ts";
export { ErrorName } from "../protocol/errorNames.ts";
