/**
 * The cluster engine a broker uses, from the `cluster` config: none for one host (the
 * memory engine alone carries nothing), Redis for several.
 *
 * @example
 * const engine = createEngine(config.cluster, log);
 */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import type { ClusterEngine } from "./ClusterEngine.ts";
import { RedisEngine } from "./redis.ts";

export function createEngine(cluster: Config["cluster"], log: Logger): ClusterEngine | null {
  if (cluster.engine === "memory") return null;
  const engine = new RedisEngine({ urls: cluster.urls, prefix: cluster.prefix, log });
  // Start connecting now; until every shard is ready, state() is "down" and /readyz says 503.
  engine.connect().catch((error) => log.error("Redis engine failed to connect", { error: String(error) }));
  return engine;
}
