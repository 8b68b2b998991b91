/**
 * The API a worker script receives: everything it needs, handed over as an argument so the
 * script imports nothing from scx at run time (a compiled binary cannot share its bundled
 * modules with files on disk). Types come by `import type { WorkerApi } from "scx"`.
 *
 * @example
 * export default (scx: WorkerApi) => {
 *   scx.procedure("hello", (name) => `Hello, ${name}`);
 * };
 */
import type { Hono } from "hono";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { type Procedure, type Receiver, SocketWorker, type WorkerEvents } from "../worker/SocketWorker.ts";
import type { Middleware, MiddlewareStage } from "../worker/middleware.ts";
import { Exchange } from "../worker/Exchange.ts";
import type { ServerSocket } from "../worker/ServerSocket.ts";

export interface WorkerApi {
  procedure(name: string, handler: Procedure): void;
  receiver(name: string, handler: Receiver): void;
  middleware<S extends MiddlewareStage>(stage: S, fn: Middleware<S>): void;
  on<K extends keyof WorkerEvents>(event: K, listener: (...args: WorkerEvents[K]) => void): () => void;
  exchange: Exchange;
  /** The worker's hono app: add HTTP routes here. */
  http: Hono;
  log: Logger;
  config: Config;
  /** This worker's id (0 in the main thread). */
  workerId: number;
  clients: ReadonlyMap<string, ServerSocket>;
  /** Build an error the client will see by name and message. */
  error(name: string, message: string, extra?: Record<string, unknown>): Error;
  ErrorName: typeof ErrorName;
}

export function createWorkerApi(worker: SocketWorker, http: Hono): WorkerApi {
  return {
    procedure: (name, handler) => worker.procedure(name, handler),
    receiver: (name, handler) => worker.receiver(name, handler),
    middleware: (stage, fn) => worker.middleware(stage, fn),
    on: (event, listener) => worker.on(event, listener),
    exchange: new Exchange(worker),
    http,
    log: worker.log,
    config: worker.config,
    workerId: worker.id,
    clients: worker.clients,
    error: namedError,
    ErrorName,
  };
}
