/**
 * `scx serve [file]`: load the config, start scx (threads, or in-process with
 * `workers: 0`), and drain on SIGTERM/SIGINT (a second signal exits at once).
 *
 * @example
 * await serveCommand(runtime, "scx.yaml", process.cwd());
 */
import type { Runtime } from "../runtime/runtime.ts";
import { createLogger, formatRecord, type LogRecord } from "../log/logger.ts";
import { ensureAuthKey } from "../auth/ensureAuthKey.ts";
import { defaultWorkers, loadConfigFile } from "./loadConfigFile.ts";
import { ScxServer } from "./ScxServer.ts";

export async function serveCommand(runtime: Runtime, file: string | null, cwd: string): Promise<ScxServer> {
  const loaded = await loadConfigFile(runtime, file, cwd);
  const format = loaded.config.logFormat === "auto" ? (runtime.isTerminal() ? "pretty" : "json") : loaded.config.logFormat;
  const writeRecord = (record: LogRecord) => runtime.writeStdout(formatRecord(record, format));
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
  log.info(`scx listening on http://${config.host}:${server.port}${config.path}`, {
    config: loaded.path ?? "(defaults)", workers: config.workers, brokers: config.brokers, runtime: runtime.name,
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
