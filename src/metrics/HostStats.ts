/**
 * One host's stats, summed on the main thread from its threads' latest snapshots (and
 * what the supervisor knows: state and restarts). Counters survive a thread restart:
 * the dead incarnation's last counts are kept aside and added to the new one's.
 *
 * @example
 * const host = new HostStats({ node: "a1", version: "0.1.0" });
 * host.report(stats, generation);
 * host.snapshot(); // { connections, subscriptions, channels, received, sent, ... }
 */
import process from "node:process";
import { mergeHistograms } from "./Histogram.ts";
import type { BrokerStats, ChannelLoad, ThreadInfo, ThreadStats, TrafficStats, WorkerStats } from "./ThreadStats.ts";
import type { WebhookStats } from "../webhooks/WebhookCounters.ts";

export interface ThreadRow extends ThreadInfo { heapBytes: number }

export interface HostSnapshot extends TrafficStats {
  node: string;
  version: string;
  /** Unix seconds this process started. */
  startedAt: number;
  uptime: number;
  threads: ThreadRow[];
  restarts: Record<"worker" | "broker", number>;
  extra: Record<string, Record<string, number>>;
  process: { rssBytes: number; heapBytes: number; cpuUserSeconds: number; cpuSystemSeconds: number };
  /** The busiest channels over all workers (by publications received, summed). */
  top: ChannelLoad[];
  /** Threads that did not answer this snapshot in time: the sums above leave them out. */
  unanswered?: number;
  /** Webhook counters summed over the brokers (absent without webhook targets). */
  webhooks?: WebhookStats;
}

/** The brokers' webhook counters summed; a queue every broker shares (Redis) counted once. */
function sumWebhooks(brokers: BrokerStats[]): WebhookStats | undefined {
  let sum: WebhookStats | undefined;
  for (const { webhooks: w } of brokers) {
    if (!w) continue;
    sum ??= { sent: 0, failed: 0, retried: 0, dropped: { overflow: 0, expired: 0, store: 0 }, queued: 0 };
    sum.sent += w.sent;
    sum.failed += w.failed;
    sum.retried += w.retried;
    for (const reason of Object.keys(sum.dropped) as Array<keyof WebhookStats["dropped"]>) sum.dropped[reason] += w.dropped[reason] ?? 0;
    sum.queued = w.queuedShared ? Math.max(sum.queued, w.queued) : sum.queued + w.queued;
  }
  return sum;
}

/** Counters of threads' earlier incarnations (kept on the main thread, handed to whoever renders). */
export type RetiredCounts = Pick<WorkerStats, "received" | "sent" | "disconnects" | "delivery"> & { extra: Record<string, Record<string, number>> };

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
}

function addExtra(into: Record<string, Record<string, number>>, from: Record<string, Record<string, number>> | undefined): void {
  for (const [name, values] of Object.entries(from ?? {})) addCounts(into[name] ??= {}, values);
}

function retire(into: RetiredCounts, old: WorkerStats): void {
  addCounts(into.received, old.received);
  addCounts(into.sent, old.sent);
  addCounts(into.disconnects, old.disconnects);
  addExtra(into.extra, old.extra);
  into.delivery = mergeHistograms([into.delivery, old.delivery]);
}

export class HostStats {
  readonly node: string;
  readonly version: string;
  readonly startedAt = Math.floor(performance.timeOrigin / 1000);
  readonly #latest = new Map<string, { stats: ThreadStats; generation: number }>();
  /** Counts of threads' earlier incarnations. */
  readonly #retired: RetiredCounts;
  #threads: () => ThreadInfo[];

  constructor(options: { node: string; version: string; threads?: () => ThreadInfo[]; retired?: RetiredCounts }) {
    this.#retired = structuredClone(options.retired ?? { received: {}, sent: {}, disconnects: {}, delivery: mergeHistograms([]), extra: {} });
    this.node = options.node;
    this.version = options.version;
    this.#threads = options.threads ?? (() => []);
  }

  /** Where thread states and restarts come from (the supervisor). */
  useThreads(threads: () => ThreadInfo[]): void {
    this.#threads = threads;
  }

  /**
   * What earlier incarnations of restarted threads counted. `generations` (thread key
   * "role:id" → its current generation): a thread that restarted since its last report
   * has its last report counted here too, before its successor's first report retires it.
   */
  retired(generations?: ReadonlyMap<string, number>): RetiredCounts {
    const retired = structuredClone(this.#retired);
    for (const [key, { stats, generation }] of this.#latest) {
      const current = generations?.get(key);
      if (current !== undefined && current !== generation && stats.role === "worker") retire(retired, stats);
    }
    return retired;
  }

  /** A thread's latest snapshot; `generation` changes when the thread restarted. */
  report(stats: ThreadStats, generation = 0): void {
    const key = `${stats.role}:${stats.id}`;
    const previous = this.#latest.get(key);
    if (previous && previous.generation !== generation && previous.stats.role === "worker") retire(this.#retired, previous.stats);
    this.#latest.set(key, { stats, generation });
  }

  snapshot(): HostSnapshot {
    const workers: WorkerStats[] = [];
    const brokers: BrokerStats[] = [];
    for (const { stats } of this.#latest.values()) (stats.role === "worker" ? workers : brokers).push(stats as never);
    const received = { ...this.#retired.received };
    const sent = { ...this.#retired.sent };
    const disconnects = { ...this.#retired.disconnects };
    const extra: Record<string, Record<string, number>> = {};
    addExtra(extra, this.#retired.extra);
    const channelTotals = new Map<string, ChannelLoad>();
    let connections = 0, subscriptions = 0, workerChannels = 0;
    for (const w of workers) {
      connections += w.connections;
      subscriptions += w.subscriptions;
      workerChannels = Math.max(workerChannels, w.channels);
      addCounts(received, w.received);
      addCounts(sent, w.sent);
      addCounts(disconnects, w.disconnects);
      addExtra(extra, w.extra);
      for (const load of w.top) {
        const total = channelTotals.get(load.channel) ?? { channel: load.channel, subscribers: 0, publications: 0 };
        total.subscribers += load.subscribers;
        total.publications = Math.max(total.publications, load.publications);
        channelTotals.set(load.channel, total);
      }
    }
    const heapOf = new Map([...this.#latest.values()].map(({ stats }) => [`${stats.role}:${stats.id}`, stats.heapBytes]));
    const threads = this.#threads().map((info) => ({ ...info, heapBytes: heapOf.get(`${info.role}:${info.id}`) ?? 0 }));
    const restarts = { worker: 0, broker: 0 };
    for (const thread of threads) restarts[thread.role] += thread.restarts;
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const webhooks = sumWebhooks(brokers);
    return {
      ...(webhooks ? { webhooks } : {}),
      node: this.node, version: this.version, startedAt: this.startedAt,
      uptime: Math.round((Date.now() - performance.timeOrigin) / 1000),
      threads, connections, subscriptions,
      // Brokers own disjoint shards, so their counts add up to the host's distinct channels.
      channels: brokers.length > 0 ? brokers.reduce((n, b) => n + b.channels, 0) : workerChannels,
      received, sent, disconnects,
      delivery: mergeHistograms([this.#retired.delivery, ...workers.map((w) => w.delivery)]),
      restarts, engineUp: workers.length > 0 && workers.every((w) => w.engineUp), extra,
      process: { rssBytes: memory.rss, heapBytes: memory.heapUsed, cpuUserSeconds: cpu.user / 1e6, cpuSystemSeconds: cpu.system / 1e6 },
      top: [...channelTotals.values()].sort((a, b) => b.publications - a.publications || b.subscribers - a.subscribers).slice(0, 10),
    };
  }
}
