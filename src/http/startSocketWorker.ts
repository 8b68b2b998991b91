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
import type { ControlPlane } from "../control/ControlPlane.ts";
import { ControlHandlers } from "../control/ControlHandlers.ts";
import { registerApiOps } from "./apiOps.ts";
import { mountOperatorRoutes } from "./mountOperatorRoutes.ts";
import { registerAdminOps } from "../admin/registerAdminOps.ts";

export interface StartSocketWorkerOptions {
  worker: SocketWorker;
  runtime: Runtime;
  reusePort: boolean;
  /** Absolute path of the user's worker script, if any. */
  script?: string | null;
  /** The control path to every thread and host (src/control/); without it, the API is not mounted. */
  control?: ControlPlane;
  /** This worker's control ops (the API's and others'); a fresh table when not given. */
  handlers?: ControlHandlers;
}

export async function startSocketWorker(options: StartSocketWorkerOptions): Promise<{ handle: ServeHandle; api: WorkerApi }> {
  const { worker, runtime } = options;
  const clientEntry = new URL("../client/index.ts", import.meta.url).pathname;
  const app = createHttpApp({ worker, ready: () => worker.ready(), clientModule: () => runtime.bundleBrowserModule(clientEntry) });
  const api = createWorkerApi(worker, app);
  const handlers = options.handlers ?? new ControlHandlers();
  registerApiOps(handlers, worker);
  registerAdminOps(handlers, worker);
  const { password } = worker.config.admin;
  if (options.control && password !== undefined) (await import("../admin/adminSocket.ts")).registerAdminSocket(worker, options.control, password);
  // With api.port the API, /metrics and /admin/ live on the main thread's own port instead (apiServer.ts).
  if (options.control && worker.config.api.port === undefined) {
    // The API's routes and schemas load only with an api.key (without one, /api/ does not exist).
    if (worker.config.api.key !== undefined) {
      const { mountApi } = await import("./mountApi.ts");
      mountApi(app, { config: worker.config, exchange: api.exchange, control: options.control });
    }
    await mountOperatorRoutes(app, { config: worker.config, control: options.control, runtime });
  }
  // The Pusher HTTP API stays on the public port, where Pusher server SDKs send it.
  if (options.control && worker.config.pusher.apps.length > 0) {
    const { mountPusherApi } = await import("./pusher/mountPusherApi.ts");
    mountPusherApi(app, { config: worker.config, exchange: api.exchange, control: options.control });
  }
  worker.on("connection", (socket) => worker.log.debug("Socket connected", { socket: socket.id, remoteAddress: socket.remoteAddress }));
  worker.on("disconnection", (socket, code, reason) => worker.log.debug("Socket disconnected", { socket: socket.id, remoteAddress: socket.remoteAddress, code, reason }));
  // Contracts first: the worker script's own publishes at start-up are validated too.
  if (worker.config.contracts) {
    const [{ useContracts }, { loadContracts }] = await Promise.all([import("../worker/contractsOf.ts"), import("../worker/loadContracts.ts")]);
    useContracts(worker, await loadContracts(worker.config.contracts));
  }
  if (options.script) await loadWorkerScript(options.script, api);
  // Last, so the worker script's routes win over files of the same path.
  if (worker.config.static) app.get("*", serveStatic(runtime, worker.config.static));
  const { tls } = worker.config;
  const pem = tls ? { cert: await runtime.readTextFile(tls.certFile), key: await runtime.readTextFile(tls.keyFile) } : undefined;
  const handle = await serveWorker({ worker, runtime, app, reusePort: options.reusePort, tls: pem });
  return { handle, api };
}
