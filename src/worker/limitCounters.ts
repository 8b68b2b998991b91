/**
 * Plain per-thread counters of what the limits did, for /metrics: every thread counts its
 * own; a reader sums the threads' snapshots. Names follow the metrics they feed:
 * `scx_rate_limited_total{limit}`, `scx_slow_consumer_total{action}`,
 * `scx_connection_limited_total{limit}` and `scx_limit_disconnects_total{reason}`.
 *
 * @example
 * limitCounters.rateLimited.inbound++;
 * const snapshot = limitCountersSnapshot(); // { rateLimited: { inbound: 1, publish: 0 }, ... }
 */
export const limitCounters = {
  /** Packets refused or dropped over a rate, by limit. */
  rateLimited: { inbound: 0, publish: 0 },
  /** Slow consumers: closed (disconnect) or put on dropping (drop, once per episode). */
  slowConsumer: { disconnect: 0, drop: 0 },
  /** Handshakes or authentications refused by a connection cap. */
  connectionLimited: { ip: 0, user: 0 },
  /** Sockets closed by a limit, by reason. */
  disconnects: { rateLimited: 0, slowConsumer: 0, connectionLimit: 0 },
};

export type LimitCounters = typeof limitCounters;

/** A copy of the counters, safe to post to another thread. */
export function limitCountersSnapshot(): LimitCounters {
  return structuredClone(limitCounters);
}
