/**
 * Put a socket worker on the network: its HTTP app and its WebSocket handlers on one
 * runtime server.
 *
 * @example
 * const handle = await serveWorker({ worker, runtime, app, reusePort: true });
 */
import type { Hono } from "hono";
import type { Runtime, ServeHandle } from "../runtime/runtime.ts";
import type { SocketWorker } from "../worker/SocketWorker.ts";
import type { ConnectionData } from "../worker/ConnectionData.ts";
import { receiveFrame } from "../worker/receiveFrame.ts";
import { handleUpgrade, isUpgrade } from "./handleUpgrade.ts";

export interface ServeWorkerOptions {
  worker: SocketWorker;
  runtime: Runtime;
  app: Hono;
  reusePort: boolean;
  tls?: { cert: string; key: string };
}

export async function serveWorker(options: ServeWorkerOptions): Promise<ServeHandle> {
  const { worker, runtime, app } = options;
  // The Pusher protocol's sessions (src/worker/sessions/pusher/), when apps are configured.
  // Loaded only then: a server without Pusher apps starts without the Pusher protocol's code.
  const pusher = worker.config.pusher.apps.length > 0
    ? new (await import("../worker/sessions/pusher/PusherSessions.ts")).PusherSessions(worker) : null;
  const handle = await runtime.serve<ConnectionData>({
    hostname: worker.config.host,
    port: worker.config.port,
    reusePort: options.reusePort,
    maxPayload: worker.config.maxPayload,
    outboundBuffer: worker.config.limits.outboundBuffer,
    tls: options.tls,
    fetch: (request, context) => isUpgrade(request) ? handleUpgrade(worker, request, context) : app.fetch(request),
    websocket: {
      open: (connection) => {
        if (pusher && connection.data.pusher !== undefined) pusher.open(connection);
        else worker.opened(connection);
      },
      message: (connection, frame) => {
        const socket = connection.data.socket;
        if (!socket) return;
        if (connection.data.pusher !== undefined) pusher!.receive(socket, frame);
        else receiveFrame(worker, socket, frame);
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
