/**
 * Webhook stores: the contract against the memory store and the Redis store (a real
 * redis-server, through the Redis engine that makes it), Redis down included.
 */
import { webhookStoreContract } from "./webhooks.contract.ts";
import { startRedis } from "./helpers/redisServer.ts";
import { MemoryWebhookStore } from "../src/webhooks/memory.ts";
import { RedisEngine } from "../src/cluster/redis.ts";
import { createLogger } from "../src/log/logger.ts";

const quiet = createLogger({ level: "silent", role: "test", id: 0, sink: () => {} });
const timeoutMs = 400;

webhookStoreContract("memory", async () => {
  const store = new MemoryWebhookStore();
  return { store: () => store, cleanup: () => store.close() };
});

webhookStoreContract("redis", async () => {
  const redis = await startRedis();
  const engine = new RedisEngine({ urls: [redis.url], prefix: "whc:", log: quiet, timeoutMs });
  await engine.connect();
  return {
    store: () => engine.webhooks,
    cleanup: async () => { await engine.close(); await redis.stop(); },
    outage: { boundMs: timeoutMs * 4, stop: () => redis.stop(), restart: () => redis.restart() },
  };
});
