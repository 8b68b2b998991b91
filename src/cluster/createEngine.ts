/**
 * The cluster engine a broker uses, from the `cluster` config: none for one host (the
 * memory engine alone carries nothing), Redis for several.
 *
 * @example
 * const engine = await createEngine(config.cluster, log);
 */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import type { ClusterEngine } from "./ClusterEngine.ts";

export async function createEngine(cluster: Config["cluster"], log: Logger, presence?: Config["presence"]): Promise<ClusterEngine | null> {
  if (cluster.engine === "memory") return null;
  // Loaded only when used: the Redis client adds ~60 ms to every start that imports it.
  const { RedisEngine } = await import("./redis.ts");
  const engine = new RedisEngine({ urls: cluster.urls, prefix: cluster.prefix, log, presenceTtl: presence?.ttl });
  // Start connecting now; until every shard is ready, state() is "down" and /readyz says 503.
  engine.connect().catch((error) => log.error("Redis engine failed to connect", { error: String(error) }));
  return engine;
}
