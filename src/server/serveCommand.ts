/**
 * `scx serve [file | dir] [flags]`: load the config, start scx (threads, or in-process with
 * `workers: 0`), say where the page and the WebSocket are, and drain on SIGTERM/SIGINT
 * (a second signal exits at once).
 *
 * @example
 * await serveCommand(runtime, ["my-app", "--port", "9000"], process.cwd());
 */
import type { Runtime } from "../runtime/runtime.ts";
import { createLogger, formatRecord, type LogRecord, useColour } from "../log/logger.ts";
import { ensureAuthKey } from "../auth/ensureAuthKey.ts";
import type { Config } from "../config/schema.ts";
import { defaultWorkers, loadConfigFile } from "./loadConfigFile.ts";
import { parseArgs } from "./parseArgs.ts";
import { ScxServer } from "./ScxServer.ts";
import { loadSchemaTable } from "../config/schemaTable.ts";

export async function serveCommand(runtime: Runtime, args: string[], cwd: string): Promise<ScxServer> {
  await loadSchemaTable();
  const parsed = parseArgs("serve", args, { config: true, maxPositionals: 1 });
  const loaded = await loadConfigFile(runtime, parsed.positionals[0] ?? null, cwd, parsed.flags);
  const configured = sinceStart();
  const terminal = runtime.isTerminal();
  const format = loaded.config.logFormat === "auto" ? (terminal ? "pretty" : "json") : loaded.config.logFormat;
  const colour = format === "pretty" && useColour(terminal, runtime.allEnv());
  const writeRecord = (record: LogRecord) => runtime.writeStdout(formatRecord(record, format, colour));
  const log = createLogger({ level: loaded.config.logLevel, role: "main", id: 0, sink: writeRecord });
  const config = ensureAuthKey({ ...loaded.config, workers: defaultWorkers(runtime, loaded.config) }, log);
  const server = new ScxServer({
    config, runtime, log, writeRecord,
    onGiveUp(message) {
      log.error(message);
      runtime.exit(1);
    },
  });
  await server.start();
  const { page, socket } = urls(config, server.port);
  log.info(`scx listening on ${page} (WebSocket ${socket})`, {
    config: loaded.path ?? "(defaults)", host: config.host, workers: config.workers, brokers: config.brokers, runtime: runtime.name,
    // Milliseconds since the process started: config validated, then every socket worker listening.
    startup: { config: configured, listening: sinceStart() },
  });
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) {
      log.warn(`Second ${signal}: exiting now`);
      runtime.exit(1);
    }
    log.info(`${signal}: closing client sockets, draining for at most ${config.drainTimeout} ms`);
    server.stop({ spreadMs: config.drainTimeout / 2 }).then(() => runtime.exit(0), () => runtime.exit(1));
  };
  runtime.onSignal("SIGTERM", () => shutdown("SIGTERM"));
  runtime.onSignal("SIGINT", () => shutdown("SIGINT"));
  return server;
}

/** Milliseconds since the process started (performance's time origin), to a tenth. */
function sinceStart(): number {
  return Math.round(performance.now() * 10) / 10;
}

/**
 * The page and WebSocket URLs to print: a wildcard host shows as localhost (it answers there).
 *
 * @example
 * urls({ host: "0.0.0.0", path: "/socketcluster/", tls: null } as Config, 8000);
 * // { page: "http://localhost:8000/", socket: "ws://localhost:8000/socketcluster/" }
 */
export function urls(config: Pick<Config, "host" | "path" | "tls">, port: number): { page: string; socket: string } {
  const host = ["0.0.0.0", "::", "[::]", ""].includes(config.host) ? "localhost" : config.host.includes(":") ? `[${config.host}]` : config.host;
  const secure = config.tls ? "s" : "";
  return { page: `http${secure}://${host}:${port}/`, socket: `ws${secure}://${host}:${port}${config.path}` };
}
