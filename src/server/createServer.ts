/**
 * Create an scx server from a config object (every key optional, defaults from the
 * schema). The library entry: `import { createServer } from "scx"`. Unlike `scx serve`,
 * the library runs in-process unless `workers` is set, so `server.procedure` works.
 * Relative paths in the config (worker, static, TLS and key files) resolve against the
 * current directory.
 *
 * @example
 * import { createServer } from "scx";
 * const server = createServer({ port: 8000 });
 * server.procedure("hello", (name) => `Hello, ${name}`);
 * await server.start();
 */
import { type Config, configSchema } from "../config/schema.ts";
import type { z } from "zod";
import { currentRuntime } from "../runtime/current.ts";
import { createLogger, formatRecord, type LogRecord } from "../log/logger.ts";
import { ensureAuthKey } from "../auth/ensureAuthKey.ts";
import { resolvePaths } from "../config/resolvePaths.ts";
import type { AuthEngine } from "../auth/AuthEngine.ts";
import { ScxServer } from "./ScxServer.ts";

export type ConfigInput = z.input<typeof configSchema>;

export interface CreateServerOptions {
  auth?: AuthEngine | null;
  /** Called when a worker or broker thread crash-loops; by default it is logged. */
  onGiveUp?: (message: string) => void;
  maxRestarts?: number;
  crashWindow?: number;
}

export function createServer(input: ConfigInput | Config = {}, options: CreateServerOptions = {}): ScxServer {
  const runtime = currentRuntime();
  // Relative paths (worker, static, tls, key files) resolve against the current directory.
  const parsed = resolvePaths(configSchema.parse(input), runtime.cwd());
  const format = parsed.logFormat === "auto" ? (runtime.isTerminal() ? "pretty" : "json") : parsed.logFormat;
  const writeRecord = (record: LogRecord) => runtime.writeStderr(formatRecord(record, format));
  const log = createLogger({ level: parsed.logLevel, role: "main", id: 0, sink: writeRecord });
  const config = ensureAuthKey({ ...parsed, workers: parsed.workers ?? 0 }, log);
  return new ScxServer({ config, runtime, log, writeRecord, ...options });
}
