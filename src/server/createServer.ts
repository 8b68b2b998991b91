/**
 * Create an scx server from a config object (every key optional, defaults from the
 * schema). The library entry: `import { createServer } from "scx"`.
 *
 * @example
 * import { createServer } from "scx";
 * const server = createServer({ port: 8000 });
 * server.procedure("hello", (name) => `Hello, ${name}`);
 * await server.start();
 */
import { configSchema, type Config } from "../config/schema.ts";
import type { z } from "zod";
import { currentRuntime } from "../runtime/current.ts";
import { createLogger, formatRecord } from "../threads/logger.ts";
import { ScxServer } from "./ScxServer.ts";
import type { AuthEngine } from "../auth/AuthEngine.ts";

export type ConfigInput = z.input<typeof configSchema>;

export function createServer(input: ConfigInput | Config = {}, options: { auth?: AuthEngine | null } = {}): ScxServer {
  const config = configSchema.parse(input);
  const runtime = currentRuntime();
  const format = config.logFormat === "auto" ? (runtime.isTerminal() ? "pretty" : "json") : config.logFormat;
  const log = createLogger({
    level: config.logLevel, role: "main", id: 0,
    sink: (record) => runtime.writeStderr(formatRecord(record, format)),
  });
  return new ScxServer({ config, runtime, log, auth: options.auth ?? null });
}
