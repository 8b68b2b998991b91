/**
 * The snapshots threads report to the main thread (with their heartbeat) and the main
 * thread sums per host: plain data, structured-clone safe, no locks anywhere.
 *
 * @example
 * const stats: WorkerStats = counters.snapshot(worker);
 * post({ type: "stats", stats });
 */
import type { HistogramSnapshot } from "./Histogram.ts";
import type { WebhookStats } from "../webhooks/WebhookCounters.ts";

/** A channel's load on one worker (the busiest ones only). */
export interface ChannelLoad {
  channel: string;
  subscribers: number;
  /** Publications this worker received for it since it started. */
  publications: number;
}

/** The traffic a worker counts and a host sums: one shape for both. */
export interface TrafficStats {
  /** Handshaken sockets. */
  connections: number;
  /** Socket-channel pairs. */
  subscriptions: number;
  /** Channels with local subscribers on this worker. */
  channels: number;
  received: Record<string, number>;
  sent: Record<string, number>;
  /** close code → sockets closed with it */
  disconnects: Record<string, number>;
  delivery: HistogramSnapshot;
  /** Whether every cluster engine involved is up. */
  engineUp: boolean;
}

export interface WorkerStats extends TrafficStats {
  role: "worker";
  id: number;
  heapBytes: number;
  /** The busiest channels on this worker, by publications received. */
  top: ChannelLoad[];
  /** Extra counters other modules add by name (e.g. scx_rate_limited_total{limit}). */
  extra?: Record<string, Record<string, number>>;
}

export interface BrokerStats {
  role: "broker";
  id: number;
  /** Channels this broker's shard has subscribers for on any worker. */
  channels: number;
  heapBytes: number;
  /** Webhook counters (when targets are configured); `queuedShared`: the queue is shared by every broker (Redis). */
  webhooks?: WebhookStats & { queuedShared: boolean };
}

export type ThreadStats = WorkerStats | BrokerStats;

/** What the main thread knows of one thread. */
export interface ThreadInfo {
  role: "worker" | "broker";
  id: number;
  state: "running" | "starting" | "down";
  restarts: number;
}
