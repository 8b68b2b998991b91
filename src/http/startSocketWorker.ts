/**
 * Everything a socket worker needs to go live, in one place for both the worker thread
 * entry and the embedded (in-process) mode: the HTTP app, the user's worker script, then
 * the runtime server with the WebSocket handlers.
 *
 * @example
 * const handle = await startSocketWorker({ worker, runtime, reusePort: true, script: "/app/worker.ts" });
 */
import type { Runtime, ServeHandle } from "../runtime/runtime.ts";
import type { SocketWorker } from "../worker/SocketWorker.ts";
import { createHttpApp } from "./createHttpApp.ts";
import { createWorkerApi, type WorkerApi } from "./workerApi.ts";
import { loadWorkerScript } from "./loadWorkerScript.ts";
import { serveWorker } from "./serveWorker.ts";
import { serveStatic } from "./serveStatic.ts";

export interface StartSocketWorkerOptions {
  worker: SocketWorker;
  runtime: Runtime;
  reusePort: boolean;
  /** Absolute path of the user's worker script, if any. */
  script?: string | null;
}

export async function startSocketWorker(options: StartSocketWorkerOptions): Promise<{ handle: ServeHandle; api: WorkerApi }> {
  const { worker, runtime } = options;
  const clientEntry = new URL("../client/index.ts", import.meta.url).pathname;
  const app = createHttpApp({ worker, ready: () => worker.ready(), clientModule: () => runtime.bundleBrowserModule(clientEntry) });
  const api = createWorkerApi(worker, app);
  worker.on("connection", (socket) => worker.log.debug("Socket connected", { socket: socket.id, remoteAddress: socket.remoteAddress }));
  worker.on("disconnection", (socket, code, reason) => worker.log.debug("Socket disconnected", { socket: socket.id, remoteAddress: socket.remoteAddress, code, reason }));
  if (options.script) await loadWorkerScript(options.script, api);
  // Last, so the worker script's routes win over files of the same path.
  if (worker.config.static) app.get("*", serveStatic(runtime, worker.config.static));
  const { tls } = worker.config;
  const pem = tls ? { cert: await runtime.readTextFile(tls.certFile), key: await runtime.readTextFile(tls.keyFile) } : undefined;
  const handle = await serveWorker({ worker, runtime, app, reusePort: options.reusePort, tls: pem });
  return { handle, api };
}
