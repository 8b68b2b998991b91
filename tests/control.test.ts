/**
 * The control path's transports, one contract run on each (MemoryControl, and RedisControl
 * on a real redis-server with two and three hosts), plus askWithin and ControlHandlers.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MemoryControl } from "../src/control/memory.ts";
import { RedisControl } from "../src/control/redis.ts";
import type { ClusterControl } from "../src/control/ClusterControl.ts";
import type { ControlQuery, HostAnswer } from "../src/control/ControlPlane.ts";
import { ControlHandlers } from "../src/control/ControlHandlers.ts";
import { askWithin } from "../src/control/askWithin.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";

let redis: RedisProcess;
beforeAll(async () => { redis = await startRedis(); });
afterAll(() => redis.stop());

/** A host whose only thread echoes the op and its host id. */
function echo(transport: ClusterControl) {
  return async (query: ControlQuery): Promise<HostAnswer> => ({
    host: transport.hostId, info: { id: transport.hostId, version: "t", uptime: 0, workers: 1, brokers: 1 },
    threads: [{ role: "worker", id: 0, value: { op: query.op, args: query.args, host: transport.hostId } }],
  });
}

const transports: Record<string, (prefix: string) => ClusterControl> = {
  memory: () => new MemoryControl(),
  redis: (prefix) => new RedisControl({ url: redis.url, prefix }),
};

let prefixes = 0;
for (const [name, make] of Object.entries(transports)) {
  describe(`${name} ClusterControl`, () => {
    test(`${name}: ask() answers with this host first, with its threads' values`, async () => {
      const transport = make(`ctl${++prefixes}:`);
      await transport.start(echo(transport));
      const hosts = await transport.ask({ op: "stats", args: { a: 1 } });
      expect(hosts[0]!.host).toBe(transport.hostId);
      expect(hosts[0]!.threads[0]!.value).toEqual({ op: "stats", args: { a: 1 }, host: transport.hostId });
      if (name === "memory") expect(hosts.length).toBe(1);
      await transport.close();
    });
  });
}

describe("RedisControl across hosts", () => {
  test("RedisControl.ask() gets one answer from every live host, and a closed host is no longer expected", async () => {
    const prefix = `ctl${++prefixes}:`;
    const hosts = [0, 1, 2].map(() => new RedisControl({ url: redis.url, prefix }));
    for (const host of hosts) await host.start(echo(host));
    const answers = await hosts[1]!.ask({ op: "channels" });
    expect(answers[0]!.host).toBe(hosts[1]!.hostId);
    expect(answers.map((a) => a.host).sort()).toEqual(hosts.map((h) => h.hostId).sort());
    expect(answers.every((a) => a.error === undefined && a.threads[0]!.value !== undefined)).toBe(true);

    await hosts[2]!.close();
    const after = await hosts[0]!.ask({ op: "channels" });
    expect(after.map((a) => a.host).sort()).toEqual([hosts[0]!.hostId, hosts[1]!.hostId].sort());
    for (const host of hosts.slice(0, 2)) await host.close();
  }, 20_000);

  test("RedisControl.ask() comes back within its timeout with an error entry for a live host that does not answer", async () => {
    const prefix = `ctl${++prefixes}:`;
    const asker = new RedisControl({ url: redis.url, prefix, timeoutMs: 300 });
    const silent = new RedisControl({ url: redis.url, prefix, timeoutMs: 300 });
    await asker.start(echo(asker));
    await silent.start(() => new Promise(() => {}));
    const started = Date.now();
    const answers = await asker.ask({ op: "stats" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(answers.length).toBe(2);
    expect(answers[1]).toEqual({ host: silent.hostId, info: null, threads: [], error: "No answer within 300 ms" });
    await asker.close();
    await silent.close();
  }, 20_000);

  test("RedisControl.ask() with Redis gone still answers for this host, plus an entry saying others were not asked", async () => {
    const own = await startRedis();
    const transport = new RedisControl({ url: own.url, prefix: "x:" });
    await transport.start(echo(transport));
    await own.stop();
    const answers = await transport.ask({ op: "stats" });
    expect(answers[0]!.host).toBe(transport.hostId);
    expect(answers[1]!.error).toStartWith("Other hosts could not be asked");
    await transport.close();
  }, 20_000);
});

describe("RedisControl with garbage on its channels", () => {
  test("RedisControl ignores messages on its control channels that are not its own JSON, and still answers", async () => {
    const prefix = `ctl${++prefixes}:`;
    const [a, b] = [new RedisControl({ url: redis.url, prefix }), new RedisControl({ url: redis.url, prefix })];
    await a.start(echo(a));
    await b.start(echo(b));
    const { createClient } = await import("redis");
    const raw = createClient({ url: redis.url });
    await raw.connect();
    await raw.publish(`${prefix}control`, "{not json");
    await raw.publish(`${prefix}control:${a.hostId}`, "[]");
    expect((await a.ask({ op: "stats" })).map((h) => h.error)).toEqual([undefined, undefined]);
    await raw.close();
    await a.close();
    await b.close();
  }, 20_000);
});

describe("RedisControl without Redis", () => {
  test("RedisControl.start() with no Redis listening returns within 1 s, and ask() answers for this host alone", async () => {
    const gone = await startRedis();
    await gone.stop();
    const transport = new RedisControl({ url: gone.url, prefix: "y:", timeoutMs: 500 });
    const started = Date.now();
    await transport.start(echo(transport));
    expect(Date.now() - started).toBeLessThan(2000);
    const answers = await transport.ask({ op: "stats" });
    expect(answers[0]!.host).toBe(transport.hostId);
    expect(answers[1]!.error).toStartWith("Other hosts could not be asked");
    await transport.close();
  }, 20_000);
});

describe("askWithin()", () => {
  test("askWithin() resolves as soon as every party answered, in the order expected", async () => {
    const pending = askWithin(["a", "b"], 10_000, (party) => `${party}?`);
    pending.settle("b", "B");
    pending.settle("x", "X");
    pending.settle("a", "A");
    expect(await pending.done).toEqual(["A", "B"]);
  });

  test("askWithin() fills in the silent parties at the deadline", async () => {
    const pending = askWithin(["a", "b"], 50, (party) => `${party}?`);
    pending.settle("a", "A");
    expect(await pending.done).toEqual(["A", "b?"]);
  });
});

describe("ControlHandlers", () => {
  test("ControlHandlers.answer() gives the value, or an error for an unknown op or a handler that throws", async () => {
    const handlers = new ControlHandlers().on("n", (args) => args.x + 1).on("bad", () => { throw new Error("nope"); });
    expect(await handlers.answer("n", { x: 1 })).toEqual({ value: 2 });
    expect(await handlers.answer("bad")).toEqual({ error: "nope" });
    expect(await handlers.answer("other")).toEqual({ error: 'No control op "other" on this thread' });
  });
});
