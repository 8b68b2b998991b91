/**
 * Many hosts: the engine contract against memory and Redis, then scx servers sharing
 * channels through real redis-server processes: order, exactly-once, shards, and a
 * Redis restart mid-test. The engines' parts alone: tests/clusterParts.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "redis";
import { engineContract } from "./cluster.contract.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { connected } from "./helpers/scClient.ts";
import { MemoryEngine, MemoryHub } from "../src/cluster/memory.ts";
import { RedisEngine } from "../src/cluster/redis.ts";
import { createLogger } from "../src/log/logger.ts";

const quiet = createLogger({ level: "silent", role: "test", id: 0, sink: () => {} });
const redises: RedisProcess[] = [];
beforeAll(async () => { redises.push(await startRedis(), await startRedis()); });
afterAll(async () => { for (const redis of redises) await redis.stop().catch(() => {}); });

engineContract("memory", async () => {
  const hub = new MemoryHub();
  const a = new MemoryEngine(hub);
  const b = new MemoryEngine(hub);
  return { a, b, cleanup: async () => { await a.close(); await b.close(); } };
});

engineContract("redis", async () => {
  // A short reply deadline keeps the outage rules quick; the bound allows for the heartbeat and a loaded machine.
  const timeoutMs = 500;
  const make = () => new RedisEngine({ urls: [redises[0]!.url, redises[1]!.url], prefix: "contract:", log: quiet, timeoutMs });
  const a = make();
  const b = make();
  await Promise.all([a.connect(), b.connect()]);
  return {
    a, b,
    cleanup: async () => { await a.close(); await b.close(); },
    outage: {
      boundMs: timeoutMs * 6,
      noticedEverywhere: (engine) => (engine as RedisEngine).downShards.length === redises.length,
      stop: async () => { await Promise.all(redises.map((redis) => redis.stop())); },
      restart: async () => { await Promise.all(redises.map((redis) => redis.restart())); },
      pause: () => { for (const redis of redises) redis.pause(); },
      resume: () => { for (const redis of redises) redis.resume(); },
    },
  };
}, true);

describe("scx hosts sharing channels through Redis", () => {
  let hostA: StartedScx;
  let hostB: StartedScx;
  const clients: any[] = [];
  const connect = async (host: StartedScx) => {
    const { client } = await connected(host.port, { autoReconnect: true });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    const cluster = { engine: "redis" as const, urls: [redises[0].url, redises[1].url], prefix: "hosts:" };
    hostA = await startScx({ cluster });
    hostB = await startScx({ cluster });
    for (const host of [hostA, hostB]) {
      host.server.procedure("serverPublish", ({ channel, data }) => host.server.exchange.publish(channel, data));
    }
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await hostA.stop();
    await hostB.stop();
  });

  async function subscribeAndSettle(client: any, channel: string) {
    await client.subscribe(channel).listener("subscribe").once();
    for (const host of [hostA, hostB]) for (const broker of host.server.brokers) await (broker as any).settle?.();
  }

  test("a client on host A receives, in order, what clients and exchange.publish on host B publish", async () => {
    const reader = await connect(hostA);
    const writer = await connect(hostB);
    await subscribeAndSettle(reader, "shared");
    await waitReady(hostA);
    const received: unknown[] = [];
    const done = (async () => {
      for await (const data of reader.channel("shared")) {
        received.push(data);
        if (received.length === 101) return;
      }
    })();
    for (let i = 0; i < 100; i++) writer.transmitPublish("shared", i);
    await writer.invoke("serverPublish", { channel: "shared", data: "from the server" });
    await done;
    expect(received).toEqual([...Array.from({ length: 100 }, (_, i) => i), "from the server"]);
  });

  test("a publication reaches every subscriber exactly once, local and remote", async () => {
    const localReader = await connect(hostA);
    const remoteReader = await connect(hostB);
    const writer = await connect(hostA);
    await subscribeAndSettle(localReader, "once");
    await subscribeAndSettle(remoteReader, "once");
    const counts = [0, 0];
    const until = [localReader, remoteReader].map((client, i) => (async () => {
      for await (const data of client.channel("once")) {
        if (data === "end") return;
        counts[i]++;
      }
    })());
    await writer.invokePublish("once", "one");
    await writer.invokePublish("once", "end");
    await Promise.all(until);
    expect(counts).toEqual([1, 1]);
  });

  test("channels are sharded over both Redis instances", async () => {
    const reader = await connect(hostA);
    const names = Array.from({ length: 20 }, (_, i) => `spread-${i}`);
    for (const name of names) await subscribeAndSettle(reader, name);
    const perRedis = await Promise.all(redises.map(async (redis) => {
      const probe = createClient({ url: redis.url });
      await probe.connect();
      const channels = await probe.pubSubChannels("hosts:spread-*");
      await probe.close();
      return channels.length;
    }));
    expect(perRedis[0]).toBeGreaterThan(0);
    expect(perRedis[1]).toBeGreaterThan(0);
    expect(perRedis[0] + perRedis[1]).toBe(names.length);
  });

  test("Redis restarted: local delivery goes on, /readyz says 503, then delivery across hosts resumes", async () => {
    const names = ["restart-a", "restart-b", "restart-c", "restart-d"];
    const reader = await connect(hostA);
    const localWriter = await connect(hostA);
    const remoteWriter = await connect(hostB);
    for (const name of names) await subscribeAndSettle(reader, name);
    await Promise.all(redises.map((redis) => redis.stop()));
    await waitReadyz(hostA, 503);
    const local = reader.channel(names[0]).once();
    await localWriter.invokePublish(names[0], "local while down");
    expect(await local).toBe("local while down");
    await Promise.all(redises.map((redis) => redis.restart()));
    await waitReadyz(hostA, 200);
    await waitReadyz(hostB, 200);
    for (const host of [hostA, hostB]) for (const broker of host.server.brokers) await (broker as any).settle?.();
    for (const name of names) {
      const got = reader.channel(name).once();
      await remoteWriter.invokePublish(name, `after restart ${name}`);
      expect(await got).toBe(`after restart ${name}`);
    }
  });

  async function waitReady(host: StartedScx) {
    await waitReadyz(host, 200);
  }

  async function waitReadyz(host: StartedScx, status: number) {
    for (;;) {
      const response = await fetch(`http://127.0.0.1:${host.port}/readyz`);
      if (response.status === status) return;
      await Bun.sleep(25);
    }
  }
});

describe("two scx processes sharing one Redis", () => {
  test("a client on one process receives, in order, what a client and exchange.publish on the other publish", async () => {
    const { startCli } = await import("./helpers/startCli.ts");
    const { mkdtempSync, writeFileSync, cpSync } = await import("node:fs");
    const dir = mkdtempSync(`${(await import("node:os")).tmpdir()}/scx-hosts-`);
    cpSync(new URL("./fixtures/worker.ts", import.meta.url).pathname, `${dir}/worker.ts`);
    writeFileSync(`${dir}/scx.yaml`, `host: 127.0.0.1\nport: 0\nworkers: 1\nworker: worker.ts\nlogFormat: json\n` +
      `cluster:\n  engine: redis\n  urls: ["${redises[0].url}"]\n  prefix: "procs:"\n`);
    const cli = new URL("../cli.ts", import.meta.url).pathname;
    const [one, two] = await Promise.all([0, 1].map(() => startCli([process.execPath, cli, "serve", `${dir}/scx.yaml`])));
    try {
      const { client: reader } = await connected(one.port);
      const { client: writer } = await connected(two.port);
      await reader.subscribe("across").listener("subscribe").once();
      // Until a host's engine is connected its publications reach local subscribers only.
      for (const host of [one, two]) {
        while ((await fetch(`http://127.0.0.1:${host.port}/readyz`)).status !== 200) await Bun.sleep(20);
      }
      const probe = createClient({ url: redises[0].url });
      await probe.connect();
      while ((await probe.pubSubNumSub("procs:across"))["procs:across"] !== 1) await Bun.sleep(20);
      await probe.close();
      const received: unknown[] = [];
      const done = (async () => {
        for await (const data of reader.channel("across")) {
          received.push(data);
          if (received.length === 51) return;
        }
      })();
      for (let i = 0; i < 50; i++) writer.transmitPublish("across", i);
      await writer.invoke("serverPublish", { channel: "across", data: "server" });
      await done;
      expect(received).toEqual([...Array.from({ length: 50 }, (_, i) => i), "server"]);
      reader.disconnect();
      writer.disconnect();
    } finally {
      one.kill();
      two.kill();
    }
  });
});
