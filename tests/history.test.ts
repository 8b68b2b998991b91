/**
 * History stores: the contract against the memory store and the Redis store (a real
 * redis-server), Redis down and hung included; then what only Redis does: the append
 * publishes to every host in offset order, keys and their expiry, sharding, a flushed
 * script cache.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "redis";
import { historyContract, historyOutageContract } from "./history.contract.ts";
import { inbox } from "./cluster.contract.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { MemoryHistoryStore } from "../src/history/memory.ts";
import { RedisEngine } from "../src/cluster/redis.ts";
import { HashRing } from "../src/cluster/hashRing.ts";
import { createLogger } from "../src/log/logger.ts";

const quiet = createLogger({ level: "silent", role: "test", id: 0, sink: () => {} });
const timeoutMs = 400;

historyContract("memory", async () => {
  let store = new MemoryHistoryStore();
  return {
    store: () => store,
    lose: async () => { await store.close(); store = new MemoryHistoryStore(); },
    cleanup: () => store.close(),
  };
});

describe("MemoryHistoryStore", () => {
  test("MemoryHistoryStore forgets channels idle past their ttl, so memory stays bounded", () => {
    let now = 1_000_000;
    const store = new MemoryHistoryStore(() => now);
    for (let i = 0; i < 1000; i++) store.append(`idle/${i}`, '"x"', { size: 10, ttl: 5 });
    store.append("busy", '"x"', { size: 10, ttl: 60 });
    expect(store.channelCount).toBe(1001);
    now += 6000;
    for (let i = 0; i < 200; i++) store.append("busy", '"x"', { size: 10, ttl: 60 });
    expect(store.channelCount).toBe(1);
    expect(store.position("busy", { size: 10, ttl: 60 }).offset).toBe(201);
  });

  test("MemoryHistoryStore answers synchronously and a new store gives every channel a new epoch", () => {
    const keep = { size: 3, ttl: 60 };
    const one = new MemoryHistoryStore();
    const position = one.append("c", '"a"', keep);
    expect(position instanceof Promise).toBe(false);
    expect(one.publishesToHosts).toBe(false);
    const two = new MemoryHistoryStore();
    expect(two.position("c", keep).epoch).not.toBe(position.epoch);
  });
});

async function redisStore() {
  const redis = await startRedis();
  const engine = new RedisEngine({ urls: [redis.url], prefix: "hist:", log: quiet, timeoutMs });
  await engine.connect();
  const probe = createClient({ url: redis.url });
  probe.on("error", () => {}); // it sees the outage tests too
  await probe.connect();
  return {
    redis, engine, probe,
    sut: {
      store: () => engine.history,
      lose: async () => { await probe.flushAll(); },
      cleanup: async () => { await probe.close().catch(() => {}); await engine.close(); await redis.stop(); },
      outage: {
        boundMs: timeoutMs * 3,
        stop: () => redis.stop(),
        restart: () => redis.restart(),
        pause: () => redis.pause(),
        resume: () => redis.resume(),
      },
    },
  };
}

historyContract("redis", async () => (await redisStore()).sut);
historyOutageContract("redis", async () => (await redisStore()).sut);

describe("RedisHistoryStore", () => {
  let redises: RedisProcess[];
  let a: RedisEngine;
  let b: RedisEngine;
  beforeAll(async () => {
    redises = [await startRedis(), await startRedis()];
    const make = () => new RedisEngine({ urls: redises.map((r) => r.url), prefix: "rh:", log: quiet, timeoutMs });
    a = make();
    b = make();
    await Promise.all([a.connect(), b.connect()]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    for (const redis of redises) await redis.stop();
  });

  test("RedisHistoryStore.append() publishes to every subscribed host, the appending one included, in offset order", async () => {
    expect(a.history.publishesToHosts).toBe(true);
    const inboxA = inbox(a);
    const inboxB = inbox(b);
    await Promise.all([a.subscribe("shared/1"), b.subscribe("shared/1")]);
    const keep = { size: 500, ttl: 60 };
    const appends = [];
    for (let i = 0; i < 50; i++) appends.push(a.history.append("shared/1", `"a${i}"`, keep), b.history.append("shared/1", `"b${i}"`, keep));
    const positions = await Promise.all(appends);
    await inboxA.until(100);
    await inboxB.until(100);
    for (const got of [inboxA.got, inboxB.got]) {
      expect(got.map((p) => p.offset)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(new Set(got.map((p) => p.epoch))).toEqual(new Set([positions[0]!.epoch]));
    }
    // Each host's own appends keep its call order.
    const offsetOf = new Map(inboxA.got.map((p) => [p.json, p.offset!]));
    const aOffsets = Array.from({ length: 50 }, (_, i) => offsetOf.get(`"a${i}"`)!);
    expect(aOffsets).toEqual([...aOffsets].sort((x, y) => x - y));
    expect(inboxB.got).toEqual(inboxA.got);
    const read = await b.history.read("shared/1", { limit: 100 }, keep);
    expect(read.publications.map((p) => [p.offset, p.json])).toEqual(inboxA.got.map((p) => [p.offset, p.json]));
  });

  test("RedisHistoryStore keeps a stream trimmed to size and a meta hash, both expiring ttl after the last append, on the channel's pub/sub shard", async () => {
    const ring = new HashRing(redises.map((r) => r.url));
    const channels = Array.from({ length: 8 }, (_, i) => `keys/${i}`);
    for (const ch of channels) for (let i = 0; i < 7; i++) await a.history.append(ch, String(i), { size: 3, ttl: 30 });
    for (const redis of redises) {
      const probe = createClient({ url: redis.url });
      await probe.connect();
      for (const ch of channels) {
        const here = ring.shardFor(ch) === redis.url;
        expect(await probe.exists(`rh:h:${ch}`)).toBe(here ? 1 : 0);
        if (!here) continue;
        expect(await probe.xLen(`rh:h:${ch}`)).toBe(3);
        expect(await probe.hGet(`rh:m:${ch}`, "o")).toBe("7");
        for (const key of [`rh:h:${ch}`, `rh:m:${ch}`]) {
          const ttl = await probe.pTTL(key);
          expect(ttl).toBeGreaterThan(25_000);
          expect(ttl).toBeLessThanOrEqual(30_000);
        }
      }
      await probe.close();
    }
  });

  test("RedisHistoryStore.append() still works after SCRIPT FLUSH (EVALSHA falls back to EVAL)", async () => {
    const before = await a.history.append("flushed", '"1"', { size: 5, ttl: 30 });
    for (const redis of redises) {
      const probe = createClient({ url: redis.url });
      await probe.connect();
      await probe.scriptFlush();
      await probe.close();
    }
    expect(await a.history.append("flushed", '"2"', { size: 5, ttl: 30 })).toEqual({ offset: 2, epoch: before.epoch });
    expect((await a.history.read("flushed", { since: before }, { size: 5, ttl: 30 })).publications.map((p) => p.json)).toEqual(['"2"']);
  });

  test("RedisEngine still connecting: appends and subscribes wait for the first connection instead of failing", async () => {
    const c = new RedisEngine({ urls: redises.map((r) => r.url), prefix: "rh:", log: quiet, timeoutMs: 2000 });
    const connecting = c.connect();
    const got: number[] = [];
    c.onPublication((pub) => got.push(pub.offset!));
    const subscribed = c.subscribe("starting/1");
    const position = await c.history.append("starting/0", '"early"', { size: 5, ttl: 30 });
    expect(position.offset).toBe(1);
    await subscribed;
    await connecting;
    const { offset } = await b.history.append("starting/1", '"after subscribe"', { size: 5, ttl: 30 });
    while (got.length < 1) await Bun.sleep(5);
    expect(got).toEqual([offset]);
    await c.close();
  });

  test("RedisEngine fills the gap pub/sub leaves when its pub/sub connection is killed: every offset once, in order", async () => {
    const ch = "gap/1";
    const shardUrl = new HashRing(redises.map((r) => r.url)).shardFor(ch);
    const got: number[] = [];
    const c = new RedisEngine({ urls: redises.map((r) => r.url), prefix: "rh:", log: quiet, timeoutMs });
    await c.connect();
    c.onPublication((pub) => { if (pub.ch === ch) got.push(pub.offset!); });
    await c.subscribe(ch);
    const keep = { size: 1000, ttl: 60 };
    const burst = () => Promise.all(Array.from({ length: 300 }, (_, i) => b.history.append(ch, `${i}`, keep)));
    await burst();
    const probe = createClient({ url: shardUrl });
    await probe.connect();
    // The kill lands in the middle of pipelined appends: pub/sub misses those sent before the resubscribe.
    const during = burst();
    expect(await probe.sendCommand(["CLIENT", "KILL", "TYPE", "pubsub"])).toBeGreaterThan(0);
    await during;
    await probe.close();
    await Bun.sleep(100);
    const last = (await burst()).at(-1)!.offset;
    const until = Date.now() + 5000;
    while (got.length < last && Date.now() < until) await Bun.sleep(20);
    await c.close();
    expect(got).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  });

  test("RedisEngine.state() is down while a shard is hung (SIGSTOP), its calls then fail at once, and it is ready once it answers again", async () => {
    const states: string[] = [];
    a.onStateChange((state) => states.push(state));
    redises[0]!.pause();
    try {
      const until = Date.now() + timeoutMs * 5;
      while (a.state() === "ready" && Date.now() < until) await Bun.sleep(20);
      expect(a.state()).toBe("down");
      // Known hung: calls fail at once instead of piling up behind the deadline.
      const ch = Array.from({ length: 100 }, (_, i) => `hung/${i}`).find((c) => new HashRing(redises.map((r) => r.url)).shardFor(c) === redises[0]!.url)!;
      const started = Date.now();
      const error = await a.history.append(ch, '"x"', { size: 5, ttl: 30 }).then(() => null, (e: Error) => e);
      expect(error?.name).toBe("BrokerError");
      expect(Date.now() - started).toBeLessThan(100);
    } finally {
      redises[0]!.resume();
    }
    const until = Date.now() + 5000;
    while (a.state() !== "ready" && Date.now() < until) await Bun.sleep(20);
    expect(a.state()).toBe("ready");
    expect(states).toEqual(["down", "ready"]);
  });
});
