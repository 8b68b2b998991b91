/**
 * One log for every thread: each thread builds records and hands them to a sink; in
 * threaded mode the sink posts them to the main thread, which writes the one stream.
 *
 * @example
 * const log = createLogger({ level: "info", role: "worker", id: 1, sink: writeRecord });
 * log.warn("Worker script threw", { procedure: "login" });
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export interface LogRecord { time: string; level: LogLevel; role: string; id: number; msg: string; [field: string]: unknown }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const rank: Record<LogLevel | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createLogger(options: {
  level: LogLevel | "silent";
  role: string;
  id: number;
  sink: (record: LogRecord) => void;
}): Logger {
  const min = rank[options.level];
  const make = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (rank[level] < min) return;
    options.sink({ time: new Date().toISOString(), level, role: options.role, id: options.id, msg, ...fields });
  };
  return { debug: make("debug"), info: make("info"), warn: make("warn"), error: make("error") };
}

const colours: Record<LogLevel, string> = { debug: "\x1b[90m", info: "\x1b[36m", warn: "\x1b[33m", error: "\x1b[31m" };

/**
 * One record as a line: JSON for machines, or a short readable line for a terminal,
 * its level coloured when `colour` is set (see useColour).
 *
 * @example
 * formatRecord({ time: new Date().toISOString(), level: "warn", role: "main", id: 0, msg: "hi" }, "pretty", true);
 */
export function formatRecord(record: LogRecord, format: "json" | "pretty", colour = false): string {
  if (format === "json") return JSON.stringify(record) + "\n";
  const { time, level, role, id, msg, ...rest } = record;
  const extra = Object.keys(rest).length ? " " + JSON.stringify(rest) : "";
  const label = level.toUpperCase().padEnd(5);
  if (!colour) return `${time.slice(11, 23)} ${label} ${role}#${id} ${msg}${extra}\n`;
  const dim = "\x1b[2m", reset = "\x1b[0m";
  return `${dim}${time.slice(11, 23)}${reset} ${colours[level]}${label}${reset} ${dim}${role}#${id}${reset} ${msg}${extra ? dim + extra + reset : ""}\n`;
}

/**
 * Whether pretty lines get colours: only on a terminal, and never with NO_COLOR set to
 * anything but the empty string (https://no-color.org).
 *
 * @example
 * useColour(true, {}); // true
 * useColour(true, { NO_COLOR: "1" }); // false
 */
export function useColour(terminal: boolean, env: Record<string, string | undefined>): boolean {
  return terminal && !env.NO_COLOR;
}
