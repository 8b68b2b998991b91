/**
 * The control path: one question asked of every thread on every host (or of this host
 * only), answered as one list per host. It is how cluster-wide answers (the server API,
 * /metrics, the admin page) never depend on which thread got the HTTP request: a worker
 * thread forwards the question to its main thread (threadControl.ts), the main thread
 * (HostControl.ts) asks each of its threads and, through the cluster transport (memory.ts
 * for one host, redis.ts for several), every other host's main thread.
 *
 * Threads answer ops they registered (ControlHandlers.ts); an op a thread does not know
 * is an answer with `error`. A thread that is down or silent for `threadAnswerTimeout`
 * ms, and a host silent for `hostAnswerTimeout` ms, is an entry with `error`.
 *
 * @example
 * const hosts = await control.ask<{ closed: number }>("disconnect", { user: "ann" });
 * const total = hosts.flatMap((host) => host.threads).reduce((n, t) => n + (t.value?.closed ?? 0), 0);
 */

export type ThreadRole = "worker" | "broker";

/** One thread's answer: `value` from its handler, or `error` (unknown op, handler threw, no answer in time). */
export interface ThreadAnswer<T = unknown> { role: ThreadRole; id: number; value?: T; error?: string }

/** What every host says about itself, beside its threads' answers (GET /api/info). */
export interface HostInfo {
  /** This host's id, random per start, stable until it stops. */
  id: string;
  version: string;
  /** Seconds since this host started. */
  uptime: number;
  workers: number;
  brokers: number;
  /** Anything else the main thread adds (thread restarts, ...). */
  [key: string]: unknown;
}

/** One host's answer. `error` when the host did not answer in time (then `threads` is empty). */
export interface HostAnswer<T = unknown> { host: string; info: HostInfo | null; threads: ThreadAnswer<T>[]; error?: string }

/** The question as it travels between threads and hosts. */
export interface ControlQuery { op: string; args?: unknown; roles?: ThreadRole[] }

export interface AskOptions {
  /** "cluster" (default): every host; "host": this host only. */
  scope?: "cluster" | "host";
  /** Which threads answer (default: workers only). */
  roles?: ThreadRole[];
}

export interface ControlPlane {
  /** Ask every thread (of `roles`) on every host (or this host); one entry per host, this host first. */
  ask<T = unknown>(op: string, args?: unknown, options?: AskOptions): Promise<HostAnswer<T>[]>;
}

/** Longest wait for one thread's answer (ms). */
export const threadAnswerTimeout = 1000;
/** Longest wait for another host's answer (ms): above threadAnswerTimeout, so a host with a silent thread still answers. */
export const hostAnswerTimeout = 2500;

/**
 * Every thread's answer, of every host that answered, flattened (errors left out).
 *
 * @example
 * const values = answeredValues(await control.ask<number>("connections")); // [3, 4, 2]
 */
export function answeredValues<T>(hosts: HostAnswer<T>[]): T[] {
  return hosts.flatMap((host) => host.threads).filter((t) => t.error === undefined).map((t) => t.value as T);
}

/**
 * Who did not answer: one line per silent host and per thread that failed, so a sum
 * built from answeredValues can say it is partial instead of passing for the whole.
 *
 * @example
 * unansweredOf(hosts); // ["host h-1a2b: no answer within 2500 ms", "host h-3c4d worker 1: no answer within 1000 ms"]
 */
export function unansweredOf(hosts: HostAnswer[]): string[] {
  return hosts.flatMap((host) => host.error !== undefined ? [`host ${host.host}: ${host.error}`]
    : host.threads.filter((t) => t.error !== undefined).map((t) => `host ${host.host} ${t.role} ${t.id}: ${t.error}`));
}
