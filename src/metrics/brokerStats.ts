/**
 * A broker thread's snapshot for the main thread's sum: the channels of its shard and
 * its heap.
 *
 * @example
 * brokerHandlers.on("metrics", () => brokerStats(id, broker.channels().length));
 */
import process from "node:process";
import type { BrokerStats } from "./ThreadStats.ts";

export function brokerStats(id: number, channels: number, webhooks?: BrokerStats["webhooks"]): BrokerStats {
  const stats: BrokerStats = { role: "broker", id, channels, heapBytes: process.memoryUsage().heapUsed };
  if (webhooks) stats.webhooks = webhooks;
  return stats;
}
