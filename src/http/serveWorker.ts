/**
 * Put a socket worker on the network: its HTTP app and its WebSocket handlers on one
 * runtime server. Shared by the worker thread entry and the in-process (embedded) mode.
 *
 * @example
 * const handle = await serveWorker({ worker, runtime, clientModule, reusePort: true });
 */
import type { Runtime, ServeHandle } from "../runtime/runtime.ts";
import type { SocketWorker } from "../worker/SocketWorker.ts";
import type { ConnectionData } from "../worker/ServerSocket.ts";
import { receiveFrame } from "../worker/receiveFrame.ts";
import { createHttpApp, type HttpAppOptions } from "./createHttpApp.ts";
import { handleUpgrade, isUpgrade } from "./handleUpgrade.ts";
import type { Hono } from "hono";

export interface ServeWorkerOptions extends HttpAppOptions {
  reusePort: boolean;
  tls?: { cert: string; key: string };
  /** Lets a worker script add routes before the server starts. */
  extendApp?: (app: Hono<any>) => void;
}

export async function serveWorker(options: ServeWorkerOptions): Promise<ServeHandle> {
  const { worker, runtime } = options;
  const app = createHttpApp(options);
  options.extendApp?.(app);
  const handle = await runtime.serve<ConnectionData>({
    hostname: worker.config.host,
    port: worker.config.port,
    reusePort: options.reusePort,
    maxPayload: worker.config.maxPayload,
    tls: options.tls,
    fetch: (request, context) => isUpgrade(request) ? handleUpgrade(worker, request, context) : app.fetch(request),
    websocket: {
      open: (connection) => { worker.opened(connection); },
      message: (connection, text) => {
        const socket = connection.data.socket;
        if (socket) receiveFrame(worker, socket, text);
      },
      close: (connection, code, reason) => {
        const socket = connection.data.socket;
        if (socket) worker.closed(socket, code, reason);
      },
    },
  });
  worker.attach(handle);
  return handle;
}
