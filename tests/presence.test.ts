/**
 * Presence stores: the contract against the memory store and the Redis store (a real
 * redis-server), Redis down and hung included; then what only Redis does: a host that
 * stops without a goodbye has its members removed by a live host within the ttl, each
 * leave sent once however many hosts sweep, and counters kept without scanning.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "redis";
import { presenceContract, presenceOutageContract } from "./presence.contract.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { MemoryPresenceStore } from "../src/presence/memory.ts";
import { RedisPresenceStore } from "../src/presence/redis.ts";
import type { PresenceEvent } from "../src/presence/PresenceStore.ts";
import { RedisEngine } from "../src/cluster/redis.ts";
import { createLogger } from "../src/log/logger.ts";
import { Broker } from "../src/broker/Broker.ts";
import { localLinkPair } from "../src/threads/localLink.ts";
import type { BrokerToWorker, WorkerToBroker } from "../src/threads/messages.ts";

const quiet = createLogger({ level: "silent", role: "test", id: 0, sink: () => {} });
const timeoutMs = 400;

presenceContract("memory", async () => {
  const store = new MemoryPresenceStore();
  return { store: () => store, watch: () => null, cleanup: () => store.close() };
});

/** Events of an engine's presence store for one channel (the engine subscribed to it). */
async function watchOn(engine: RedisEngine, ch: string, got: PresenceEvent[] = []): Promise<PresenceEvent[]> {
  engine.presence.onEvent((event) => { if (event.ch === ch) got.push(event); });
  await engine.subscribe(ch);
  return got;
}

async function redisSut() {
  const redis = await startRedis();
  const engine = new RedisEngine({ urls: [redis.url], prefix: "pres:", log: quiet, timeoutMs });
  await engine.connect();
  return {
    store: () => engine.presence,
    watch: (ch: string) => watchOn(engine, ch),
    cleanup: async () => { await engine.close(); await redis.stop(); },
    outage: { boundMs: timeoutMs * 3, stop: () => redis.stop(), restart: () => redis.restart(), pause: () => redis.pause(), resume: () => redis.resume() },
  };
}

presenceContract("redis", redisSut);
presenceOutageContract("redis", redisSut);

describe("RedisPresenceStore", () => {
  let redis: RedisProcess;
  let probe: ReturnType<typeof createClient>;
  beforeAll(async () => {
    redis = await startRedis();
    probe = createClient({ url: redis.url });
    await probe.connect();
  });
  afterAll(async () => {
    await probe.close();
    await redis.stop();
  });

  /** A host that registers members and then stops without a goodbye (no heartbeat at all). */
  function deadHost(ttl: number) {
    return new RedisPresenceStore({
      prefix: "rp:", ttl, hostId: "dead" + Math.random().toString(16).slice(2, 8),
      send: (_ch, args) => probe.sendCommand(args), sendEvery: (args) => [probe.sendCommand(args)],
    });
  }

  test("RedisPresenceStore: a host that stops without a goodbye has its members removed within the ttl by live hosts, each leave sent once", async () => {
    const ttl = 1.2;
    const hosts = [0, 1].map(() => new RedisEngine({ urls: [redis.url], prefix: "rp:", log: quiet, timeoutMs, presenceTtl: ttl }));
    await Promise.all(hosts.map((host) => host.connect()));
    const ch = "room/sweep";
    const seen = await Promise.all(hosts.map((host) => watchOn(host, ch)));
    const dead = deadHost(ttl);
    await hosts[0]!.presence.add(ch, { client: "live", user: "ann", info: null }, true);
    for (let i = 0; i < 20; i++) await dead.add(ch, { client: `d${i}`, user: `u${i % 3}`, info: null }, true);
    expect(await hosts[1]!.presence.stats(ch)).toEqual({ clients: 21, users: 4 });
    const stoppedAt = Date.now();
    while ((await hosts[1]!.presence.stats(ch)).clients > 1) {
      expect(Date.now() - stoppedAt).toBeLessThan(ttl * 1000 + 500);
      await Bun.sleep(50);
    }
    await Bun.sleep(200);
    for (const got of seen) {
      const leaves = got.filter((event) => !event.join).map((event) => event.member.client).sort();
      expect(leaves).toEqual(Array.from({ length: 20 }, (_, i) => `d${i}`).sort());
    }
    expect(await hosts[0]!.presence.members(ch, 10)).toEqual([{ client: "live", user: "ann", info: null }]);
    expect(await hosts[0]!.presence.stats(ch)).toEqual({ clients: 1, users: 1 });
    await Promise.all(hosts.map((host) => host.close()));
  });

  test("RedisPresenceStore: a host that closes removes its members at once, with leave events", async () => {
    const [a, b] = [0, 1].map(() => new RedisEngine({ urls: [redis.url], prefix: "rq:", log: quiet, timeoutMs, presenceTtl: 30 }));
    await Promise.all([a!.connect(), b!.connect()]);
    const ch = "room/bye";
    const got = await watchOn(b!, ch);
    await a!.presence.add(ch, { client: "x", user: null, info: { n: 1 } }, true);
    await a!.close();
    expect(await b!.presence.stats(ch)).toEqual({ clients: 0, users: 0 });
    for (let i = 0; i < 100 && got.length < 2; i++) await Bun.sleep(20);
    expect(got.map((event) => event.join)).toEqual([true, false]);
    await b!.close();
  });

  test("BrokerPresence: a host whose members were swept while Redis was out of its reach registers them again at its next heartbeat", async () => {
    const ttl = 0.6;
    const engine = new RedisEngine({ urls: [redis.url], prefix: "rs:", log: quiet, timeoutMs, presenceTtl: ttl });
    await engine.connect();
    const broker = new Broker({ engine, channels: [{ match: "room/*", presence: true, joinLeave: false, latest: false }] });
    const [workerSide, brokerSide] = localLinkPair<BrokerToWorker, WorkerToBroker>();
    const acks: BrokerToWorker[] = [];
    workerSide.onMessage((message) => acks.push(message));
    broker.attachWorker(0, brokerSide);
    workerSide.post({ t: "sub", ch: "room/s", id: 1, member: { client: "c1", user: "ann", info: null } });
    while (!acks.some((m) => m.t === "subAck")) await Bun.sleep(10);
    expect(await engine.presence.stats("room/s")).toEqual({ clients: 1, users: 1 });
    // Another host swept this one (as if its heartbeats had not reached Redis for the ttl).
    const other = deadHost(ttl);
    await probe.del(`rs:palive:${engine.presence.hostId}`);
    await probe.sendCommand(["EVAL", (await import("../src/presence/redisScripts.ts")).beatScript, "0", "rs:", other.hostId, "600", "0"]);
    expect(await engine.presence.stats("room/s")).toEqual({ clients: 0, users: 0 });
    const until = Date.now() + 3000;
    while ((await engine.presence.stats("room/s")).clients === 0) {
      expect(Date.now()).toBeLessThan(until);
      await Bun.sleep(20);
    }
    expect(await engine.presence.members("room/s", 10)).toEqual([{ client: "c1", user: "ann", info: null }]);
    await broker.close();
  });

  test("RedisPresenceStore keeps members in a hash per channel and a user-count hash (stats read two HLENs, no scan)", async () => {
    const engine = new RedisEngine({ urls: [redis.url], prefix: "rk:", log: quiet, timeoutMs });
    await engine.connect();
    await engine.presence.add("k", { client: "a", user: "ann", info: null }, false);
    await engine.presence.add("k", { client: "b", user: "ann", info: null }, false);
    expect(await probe.hLen("rk:p:k")).toBe(2);
    expect(await probe.hGet("rk:pu:k", "ann")).toBe("2");
    await engine.presence.remove("k", "a");
    await engine.presence.remove("k", "b");
    expect(await probe.exists("rk:pu:k")).toBe(0);
    await engine.close();
  });
});
