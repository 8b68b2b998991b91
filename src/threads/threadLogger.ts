/**
 * The logger of a worker or broker thread: records go to the main thread, which writes
 * the one log stream.
 *
 * @example
 * const log = threadLogger(config, "broker", 1, (message) => postMessage(message));
 */
import type { Config } from "../config/schema.ts";
import type { ThreadToSupervisor } from "./control.ts";
import { createLogger, type Logger } from "../log/logger.ts";

export function threadLogger(config: Config, role: string, id: number, post: (message: ThreadToSupervisor) => void): Logger {
  return createLogger({ level: config.logLevel, role, id, sink: (record) => post({ type: "log", record }) });
}
