/**
 * Control messages between the supervisor (main thread) and its threads, separate from
 * the worker ↔ broker data links.
 */
import type { Config } from "../config/schema.ts";
import type { LogRecord } from "../log/logger.ts";

export type SupervisorToThread =
  /**
   * `resyncFrom` (a restarted broker): the threads (worker ids, -1 for the main thread) whose
   * channel lists it must have before it delivers anything, whatever order their links arrive in.
   */
  | { type: "start"; role: "worker" | "broker"; id: number; config: Config; ports: MessagePort[]; authSecret?: string; resyncFrom?: number[] }
  /** broker side: a (re)started worker's port; worker side: a restarted broker's port */
  /** `resync`: a restarted broker must wait for this worker's channel list before delivering. */
  | { type: "attach"; id: number; port: MessagePort; resync?: boolean }
  | { type: "detach"; id: number }
  | { type: "drain" }
  /** The control path (src/control/): answer the op with `id` by a controlAnswer. */
  | { type: "control"; id: number; op: string; args?: unknown }
  /** The answer to this thread's `ask`: one entry per host (HostAnswer), or why there is none. */
  | { type: "asked"; id: number; hosts?: unknown[]; error?: string };

/** A control-path query as it crosses threads (src/control/ControlPlane.ts: ControlQuery). */
export interface ThreadQuery { op: string; args?: unknown; roles?: Array<"worker" | "broker"> }

export type ThreadToSupervisor =
  | { type: "ready"; port?: number }
  | { type: "beat" }
  | { type: "log"; record: LogRecord }
  | { type: "fatal"; cause: string; stack?: string }
  | { type: "drained" }
  /** A thread's answer to a `control` message. */
  | { type: "controlAnswer"; id: number; value?: unknown; error?: string }
  /** A thread asks the whole host or cluster (an HTTP request it got); answered by `asked`. */
  | { type: "ask"; id: number; query: ThreadQuery; scope?: "cluster" | "host" };

/** How often threads send a heartbeat, and how long silence means death (Deno's exit fires nothing). */
export const heartbeatInterval = 500;
export const heartbeatTimeout = 3000;
