/**
 * The id of a host's only socket worker when it is the whole cluster: one worker (in
 * this thread with `workers: 0`, or one worker thread) and the memory engine (no other
 * hosts). Its brokers then send it every publication, subscribed or not: they have no
 * routing choice to make, and a publication on a channel it has no subscribers for costs
 * one dropped message. So its subscribes to channels without a read (no history, no
 * presence) are answered at once instead of after a broker round trip, which was most of
 * what subscribe churn cost with a worker thread. `null`: brokers route by subscription
 * and a worker's first subscribe to a channel waits for its broker's answer.
 *
 * @example
 * const sole = soleWorkerId(config); // 0 with workers: 1 and cluster.engine: memory
 * if (sole === worker.id) replyAtOnce();
 */
import type { Config } from "./schema.ts";

export function soleWorkerId(config: Pick<Config, "workers" | "cluster">): number | null {
  // workers is resolved (a number) wherever a server runs; null (not resolved) stays on the safe side.
  return config.workers !== null && config.workers <= 1 && config.cluster.engine === "memory" ? 0 : null;
}
