/**
 * Control messages between the supervisor (main thread) and its threads, separate from
 * the worker ↔ broker data links.
 */
import type { Config } from "../config/schema.ts";
import type { LogRecord } from "../log/logger.ts";

export type SupervisorToThread =
  | { type: "start"; role: "worker" | "broker"; id: number; config: Config; ports: MessagePort[]; authSecret?: string }
  /** broker side: a (re)started worker's port; worker side: a restarted broker's port */
  /** `resync`: a restarted broker must wait for this worker's channel list before delivering. */
  | { type: "attach"; id: number; port: MessagePort; resync?: boolean }
  | { type: "detach"; id: number }
  | { type: "drain" };

export type ThreadToSupervisor =
  | { type: "ready"; port?: number }
  | { type: "beat" }
  | { type: "log"; record: LogRecord }
  | { type: "fatal"; cause: string; stack?: string }
  | { type: "drained" };

/** How often threads send a heartbeat, and how long silence means death (Deno's exit fires nothing). */
export const heartbeatInterval = 500;
export const heartbeatTimeout = 3000;
