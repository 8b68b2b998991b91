/**
 * One socket worker's counters: plain integer fields bumped on the paths they count
 * (one add per packet, one per publication per worker, never one per subscriber:
 * deliveries are counted as the topic's subscribers at each publication), and a
 * snapshot of them plus the worker's gauges for the main thread to sum.
 *
 * @example
 * const counters = new WorkerCounters();
 * counters.received.publish++;
 * counters.delivered(acceptedAt, subscribers);
 * post({ type: "stats", stats: counters.snapshot(view) });
 */
import process from "node:process";
import { Histogram } from "./Histogram.ts";
import type { ChannelLoad, WorkerStats } from "./ThreadStats.ts";
import { wallClock } from "./wallClock.ts";

/** The inbound packet kinds counted in scx_messages_received_total{type}. */
export const receivedTypes = ["handshake", "publish", "subscribe", "unsubscribe", "invoke", "transmit", "authenticate", "removeAuthToken", "response", "raw"] as const;
/** The outbound kinds counted in scx_messages_sent_total{type}. */
export const sentTypes = ["publish", "response", "invoke", "transmit"] as const;

/** What a snapshot reads from the worker (SocketWorker provides it). */
export interface WorkerView {
  id: number;
  connections(): number;
  /** Each local channel with its subscriber count and publications received. */
  channelLoads(): Iterable<ChannelLoad>;
  engineUp(): boolean;
}

/** Busiest channels a worker reports. */
const topCount = 10;

export class WorkerCounters {
  readonly received: Record<(typeof receivedTypes)[number], number> =
    Object.fromEntries(receivedTypes.map((type) => [type, 0])) as Record<(typeof receivedTypes)[number], number>;
  readonly sent: Record<(typeof sentTypes)[number], number> =
    Object.fromEntries(sentTypes.map((type) => [type, 0])) as Record<(typeof sentTypes)[number], number>;
  readonly disconnects: Record<string, number> = {};
  readonly delivery = new Histogram();
  /** Counters other modules register by metric name (label value → count). */
  readonly extra: Record<string, Record<string, number>> = {};

  /** A publication went out to `subscribers` sockets; `acceptedAt` (wallClock ms) when scx accepted it, if known. */
  delivered(acceptedAt: number | undefined, subscribers: number): void {
    this.sent.publish += subscribers;
    if (acceptedAt !== undefined && subscribers > 0) this.delivery.observe(Math.max(0, wallClock() - acceptedAt) / 1000);
  }

  disconnected(code: number): void {
    this.disconnects[code] = (this.disconnects[code] ?? 0) + 1;
  }

  snapshot(view: WorkerView): WorkerStats {
    let subscriptions = 0;
    let channels = 0;
    const top: ChannelLoad[] = [];
    for (const load of view.channelLoads()) {
      channels++;
      subscriptions += load.subscribers;
      if (top.length < topCount || load.publications > top[top.length - 1]!.publications) {
        top.push({ ...load });
        top.sort((a, b) => b.publications - a.publications || b.subscribers - a.subscribers);
        if (top.length > topCount) top.pop();
      }
    }
    return {
      role: "worker", id: view.id, connections: view.connections(), subscriptions, channels,
      received: { ...this.received }, sent: { ...this.sent }, disconnects: { ...this.disconnects },
      delivery: this.delivery.snapshot(), engineUp: view.engineUp(), heapBytes: process.memoryUsage().heapUsed, top,
      extra: structuredClone(this.extra),
    };
  }
}
