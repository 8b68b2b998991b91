/**
 * The control ops a socket worker answers for /metrics and the admin page:
 * - `metrics` → this worker's WorkerStats (counters, gauges, busiest channels);
 * - `adminConnections` `{ query?, limit? }` → this worker's open sockets matching the
 *   query (client id, user, remote address or a channel they are on), at most `limit`.
 *
 * @example
 * registerAdminOps(handlers, worker);
 * await handlers.answer("adminConnections", { query: "ann" }); // { value: [{ client, user, channels, ... }] }
 */
import type { ControlHandlers } from "../control/ControlHandlers.ts";
import type { SocketWorker } from "../worker/SocketWorker.ts";
import type { WorkerStats } from "../metrics/ThreadStats.ts";
import { limitCountersSnapshot } from "../worker/limitCounters.ts";

/** One row of the admin page's connection list. */
export interface ConnectionRow {
  client: string;
  user: string | null;
  remoteAddress: string;
  channels: string[];
  worker: number;
  /** Set by the asker: the host the socket is on. */
  host?: string;
}

/** This worker's stats with the limits' counters (scx_rate_limited_total, scx_slow_consumer_total, scx_connection_limited_total). */
export function workerMetrics(worker: SocketWorker): WorkerStats {
  const stats = worker.stats();
  const limits = limitCountersSnapshot();
  stats.extra = {
    ...stats.extra, scx_rate_limited_total: limits.rateLimited, scx_slow_consumer_total: limits.slowConsumer,
    scx_connection_limited_total: limits.connectionLimited,
  };
  return stats;
}

export function registerAdminOps(handlers: ControlHandlers, worker: SocketWorker): void {
  handlers.on("metrics", () => workerMetrics(worker));
  handlers.on("adminConnections", (args: { query?: string; limit?: number } = {}) => {
    const query = (args.query ?? "").trim().toLowerCase();
    const limit = Math.min(Math.max(1, args.limit ?? 100), 500);
    const rows: ConnectionRow[] = [];
    for (const socket of worker.clients.values()) {
      if (socket.state !== "open") continue;
      const user = typeof socket.authToken?.sub === "string" ? socket.authToken.sub : null;
      const channels = [...socket.channels];
      if (query && !socket.id.toLowerCase().includes(query) && !(user ?? "").toLowerCase().includes(query) &&
        !socket.remoteAddress.toLowerCase().includes(query) && !channels.some((ch) => ch.toLowerCase().includes(query))) continue;
      rows.push({ client: socket.id, user, remoteAddress: socket.remoteAddress, channels, worker: worker.id });
      if (rows.length >= limit) break;
    }
    return rows;
  });
}
