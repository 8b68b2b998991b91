/**
 * Many hosts: the engine contract against memory and Redis, then scx servers sharing
 * channels through real redis-server processes: order, exactly-once, shards, and a
 * Redis restart mid-test.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "redis";
import { engineContract } from "./cluster.contract.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { connected } from "./helpers/scClient.ts";
import { MemoryEngine, MemoryHub } from "../src/cluster/memory.ts";
import { RedisEngine } from "../src/cluster/redis.ts";
import { HashRing } from "../src/cluster/hashRing.ts";
import { KeptStreams } from "../src/cluster/KeptStreams.ts";
import { Deadlines } from "../src/cluster/Deadlines.ts";
import { DropReport } from "../src/cluster/DropReport.ts";
import type { Publication } from "../src/protocol/publication.ts";
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
      stop: async () => { await Promise.all(redises.map((redis) => redis.stop())); },
      restart: async () => { await Promise.all(redises.map((redis) => redis.restart())); },
      pause: () => { for (const redis of redises) redis.pause(); },
      resume: () => { for (const redis of redises) redis.resume(); },
    },
  };
}, true);

describe("Deadlines", () => {
  const error = () => Object.assign(new Error("Redis is unreachable"), { name: "BrokerError" });

  test("Deadlines.guard() past maxWaiting rejects at once, and answered commands leave the queue so the bound counts only what waits", async () => {
    const deadlines = new Deadlines(60_000, error, () => {}, 3);
    const answers: Array<(value: string) => void> = [];
    const pending = Array.from({ length: 3 }, () => deadlines.guard(new Promise<string>((resolve) => answers.push(resolve))));
    expect(deadlines.waiting).toBe(3);
    const refused = await deadlines.guard(new Promise<string>(() => {})).then(() => null, (e: Error) => e);
    expect(refused?.name).toBe("BrokerError");
    for (const answer of answers) answer("OK");
    expect(await Promise.all(pending)).toEqual(["OK", "OK", "OK"]);
    expect(deadlines.waiting).toBe(0);
    expect(await deadlines.guard(Promise.resolve("again"))).toBe("again");
    deadlines.clear();
  });

  test("Deadlines.guard() rejects a command whose reply is late and reports late, then not late once something answers", async () => {
    const changes: boolean[] = [];
    const deadlines = new Deadlines(50, error, (late) => changes.push(late));
    let answer: (value: string) => void = () => {};
    const late = await deadlines.guard(new Promise<string>((resolve) => { answer = resolve; })).then(() => null, (e: Error) => e);
    expect(late?.name).toBe("BrokerError");
    expect(deadlines.late).toBe(true);
    answer("finally");
    await Bun.sleep(0);
    expect(deadlines.late).toBe(false);
    expect(changes).toEqual([true, false]);
    deadlines.clear();
  });
});

describe("DropReport", () => {
  test("DropReport.count() logs a line after firstMs with the count, then one every everyMs while drops go on, none after", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: "warn", role: "test", id: 0, sink: (record) => lines.push(record) });
    const drops = new DropReport(log, "Dropped publications", () => ({ down: ["r1"] }), 30, 60);
    for (let i = 0; i < 5; i++) drops.count();
    expect(lines).toEqual([]);
    await Bun.sleep(50);
    expect(lines.map((l) => [l.msg, l.dropped, l.droppedTotal, l.down])).toEqual([["Dropped publications", 5, 5, ["r1"]]]);
    drops.count(3);
    await Bun.sleep(80);
    expect(lines.map((l) => [l.dropped, l.droppedTotal])).toEqual([[5, 5], [3, 8]]);
    await Bun.sleep(150);
    expect(lines.length).toBe(2);
    expect(drops.total).toBe(8);
    drops.close();
  });
});

describe("HashRing", () => {
  test("HashRing.shardFor() moves about 1/N of the channels when a shard is added", () => {
    const before = new HashRing(["r1", "r2", "r3"]);
    const after = new HashRing(["r1", "r2", "r3", "r4"]);
    const channels = Array.from({ length: 10000 }, (_, i) => `channel-${i}`);
    const moved = channels.filter((ch) => before.shardFor(ch) !== after.shardFor(ch));
    expect(moved.every((ch) => after.shardFor(ch) === "r4")).toBe(true);
    expect(moved.length / channels.length).toBeGreaterThan(0.15);
    expect(moved.length / channels.length).toBeLessThan(0.35);
  });
});

describe("KeptStreams", () => {
  const pub = (offset: number, epoch = "e1"): Publication => ({ ch: "c", json: String(offset), offset, epoch });

  test("KeptStreams.receive() reads a skipped range back, holds later publications meanwhile, and drops duplicates", async () => {
    const delivered: number[] = [];
    let answer: (pubs: Publication[]) => void = () => {};
    const reads: number[] = [];
    const streams = new KeptStreams((_, from) => {
      reads.push(from);
      return new Promise((resolve) => { answer = resolve; });
    }, (p) => delivered.push(p.offset!));
    streams.receive(pub(1));
    streams.receive(pub(2));
    streams.receive(pub(2));
    streams.receive(pub(5));
    streams.receive(pub(6));
    expect(delivered).toEqual([1, 2]);
    expect(reads).toEqual([3]);
    answer([pub(3), pub(4), pub(5), pub(6)]);
    await Bun.sleep(0);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
    streams.receive(pub(1, "e2"));
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 1]);
  });

  test("KeptStreams.resync() catches remembered channels up; a failed read delivers what was held", async () => {
    const delivered: number[] = [];
    let fail = false;
    const streams = new KeptStreams(async (_, from) => {
      if (fail) throw new Error("Redis is unreachable");
      return [pub(from), pub(from + 1)];
    }, (p) => delivered.push(p.offset!));
    streams.receive(pub(1));
    streams.resync(() => true);
    await Bun.sleep(0);
    expect(delivered).toEqual([1, 2, 3]);
    fail = true;
    streams.receive(pub(7));
    await Bun.sleep(0);
    expect(delivered).toEqual([1, 2, 3, 7]);
  });
});

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
