/**
 * scx as a library: create and embed a SocketCluster-protocol server in a Bun app.
 *
 * @example
 * import { createServer } from "scx";
 * const server = createServer({ port: 8000 });
 * await server.start();
 */
export { createServer, type ConfigInput } from "./server/createServer.ts";
export { ScxServer } from "./server/ScxServer.ts";
export type { Config } from "./config/schema.ts";
export type { ServerSocket } from "./worker/ServerSocket.ts";
export type { Action, Middleware, MiddlewareStage } from "./worker/middleware.ts";
export type { WorkerApi } from "./http/workerApi.ts";
export type { Exchange, HistoryPage } from "./worker/Exchange.ts";
export type { ServerChannel, ServerPublication } from "./worker/ServerChannel.ts";
export type { Publication, StreamPosition } from "./protocol/publication.ts";
export { ErrorName, namedError } from "./protocol/errorNames.ts";
export { CloseCode } from "./protocol/closeCodes.ts";
