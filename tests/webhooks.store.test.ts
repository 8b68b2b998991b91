/**
 * Webhook stores: the contract against the memory store and the Redis store (a real
 * redis-server, through the Redis engine that makes it), Redis down included.
 */
import { describe, expect, test } from "bun:test";
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

describe("BrokerWebhooks on the Redis store while Redis is down", () => {
  test("BrokerWebhooks counts events it cannot queue while Redis is down (dropped, store), logs once, and delivers again once Redis is back", async () => {
    const { BrokerWebhooks } = await import("../src/webhooks/BrokerWebhooks.ts");
    const { webhookTargets } = await import("../src/webhooks/targets.ts");
    const { webhookEvent } = await import("../src/webhooks/WebhookEvent.ts");
    const { configSchema } = await import("../src/config/schema.ts");
    const { startReceiver, named } = await import("./webhooksReceiver.ts");
    const hooks = startReceiver("outage-secret");
    const redis = await startRedis();
    const records: string[] = [];
    const log = createLogger({ level: "info", role: "test", id: 0, sink: (record) => records.push(record.msg) });
    const engine = new RedisEngine({ urls: [redis.url], prefix: "who:", log: quiet, timeoutMs });
    await engine.connect();
    const targets = webhookTargets(configSchema.parse({ webhooks: [{ url: hooks.url, secret: "outage-secret", events: ["subscribe"], batchMs: 10 }] }));
    const webhooks = new BrokerWebhooks(targets, { log, awaitingStore: true });
    webhooks.useStore(engine.webhooks);
    try {
      webhooks.event(webhookEvent("subscribe", { channel: "before", client: "c1", user: null }));
      await hooks.until((events) => named(events, "subscribe", "before").length === 1);
      await redis.stop();
      for (let i = 0; i < 5; i++) webhooks.event(webhookEvent("subscribe", { channel: `down/${i}`, client: "c2", user: null }));
      for (let i = 0; i < 300 && webhooks.stats().dropped.store < 5; i++) await Bun.sleep(20);
      expect(webhooks.stats().dropped.store).toBe(5);
      expect(records.filter((msg) => msg.startsWith("Webhooks: could not queue events"))).toHaveLength(1);
      await redis.restart();
      for (let i = 0; i < 500 && engine.state() !== "ready"; i++) await Bun.sleep(20);
      webhooks.event(webhookEvent("subscribe", { channel: "after", client: "c3", user: null }));
      await hooks.until((events) => named(events, "subscribe", "after").length === 1, 30_000);
      expect(named(hooks.events, "subscribe").map((e) => e.channel)).toEqual(["before", "after"]);
      expect(hooks.badSignatures).toBe(0);
    } finally {
      await webhooks.close();
      await engine.close();
      await redis.stop();
      await hooks.stop();
    }
  }, 60_000);
});

describe("MemoryWebhookStore's clock", () => {
  test("MemoryWebhookStore.beat() that sweeps a dead host answers its channel as vacated in that same beat, even when the clock moves on during the sweep", () => {
    const store = new MemoryWebhookStore();
    const realNow = Date.now;
    let clock = 1_000_000;
    // Every reading 1 ms later than the last: a sweep that read the clock twice would see two times.
    Date.now = () => clock++;
    try {
      const options = { ttlMs: 100, vacateDelayMs: 0, graceMs: 0 };
      store.beat("t", "dead", options);
      expect(store.occupy("t", "ch", "dead")).toBe(true);
      clock += 500;
      expect(store.beat("t", "alive", options)).toEqual({ vacated: ["ch"], left: [] });
    } finally {
      Date.now = realNow;
    }
  });
});
