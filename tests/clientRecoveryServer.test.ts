/**
 * scx/client recovery end to end against a real scx server: a subscriber reaches scx
 * through a TCP proxy that the test cuts (every connection destroyed, connects refused)
 * and restores, while a second client keeps publishing at a steady rate straight to scx.
 * The subscriber reconnects by itself, resubscribes with `since`, and must end with every
 * publication exactly once, in order: in-process, with 2 workers + 2 brokers, served by
 * Deno, and moved to a second host on Redis; plus recovered:false past the history, a
 * latest channel, and a broker crash. The scripted-server tests are in clientRecovery.test.ts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { type ClientSocket, create } from "../src/client/index.ts";
import { brokerIndex } from "../src/protocol/channelHash.ts";
import { startCli } from "./helpers/startCli.ts";
import { startRedis } from "./helpers/redisServer.ts";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { type TcpProxy, tcpProxy } from "./helpers/tcpProxy.ts";

const channels = [
  { match: "chat/*", history: { size: 1000, ttl: 600 } },
  { match: "short/*", history: { size: 10, ttl: 600 } },
  { match: "status/*", history: { size: 10, ttl: 600 }, latest: true },
];
const retry = { initialDelay: 30, randomness: 30, multiplier: 1, maxDelay: 60 };
const cleanup: Array<() => unknown> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

/** A proxy in front of the server on `port`, a subscriber through it, a publisher straight to the server. */
async function through(port: number) {
  const proxy: TcpProxy = await tcpProxy(port);
  cleanup.push(() => proxy.stop());
  const client = (port: number) => {
    const socket = create({ hostname: "127.0.0.1", port, autoReconnectOptions: retry, ackTimeout: 5000 });
    cleanup.push(() => socket.disconnect());
    return socket;
  };
  return { proxy, subscriber: client(proxy.port), publisher: client(port) };
}

/** An in-process scx with the test's channels, and `through` it. */
async function setUp(config: Record<string, unknown> = {}) {
  const scx: StartedScx = await startScx({ channels, ...config });
  cleanup.push(() => scx.stop());
  return { scx, ...await through(scx.port) };
}

/** `deno run -A cli.ts serve` with the test's channels (2 workers, 2 brokers), started once; its port. */
const denoServer = (() => {
  let started: Promise<number> | null = null;
  return () => started ??= (async () => {
    const dir = mkdtempSync(`${tmpdir()}/scx-recovery-deno-`);
    writeFileSync(`${dir}/scx.json`, JSON.stringify({ workers: 2, brokers: 2, channels }));
    const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
    const cli = await startCli([deno, "run", "-A", new URL("../cli.ts", import.meta.url).pathname, "serve", `${dir}/scx.json`], {
      env: { SCX_PORT: "0", SCX_HOST: "127.0.0.1", SCX_LOG_FORMAT: "json" },
    });
    cleanup.unshift(() => cli.kill("SIGTERM")); // last, after the clients
    return cli.port;
  })();
})();

/** Publish from..to on `channel`, one at a time (each acknowledged), calling `at(i)` before publication i. */
async function publishSteadily(publisher: ClientSocket, channel: string, from: number, to: number, at: (i: number) => unknown = () => {}) {
  for (let i = from; i <= to; i++) {
    await at(i);
    await publisher.invokePublish(channel, i);
    if (i % 5 === 0) await Bun.sleep(1);
  }
}

async function until(condition: () => boolean, what: () => string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out waiting: ${what()}`);
    await Bun.sleep(5);
  }
}

function suite(label: string, server: () => Promise<number>) {
  describe(`ClientSocket recovery against scx (${label})`, () => {
    test("ClientSocket losing its connection for a while ends with every publication exactly once, in order", async () => {
      const { proxy, subscriber, publisher } = await through(await server());
      const channel = subscriber.subscribe<number>("chat/room");
      const received: number[] = [];
      const recoveries: unknown[] = [];
      channel.watch((n) => received.push(n));
      channel.on("recovery", (event) => recoveries.push(event));
      expect(await channel.listener("subscribe").once()).toEqual({ channel: "chat/room", recovered: false, offset: 0, epoch: expect.any(String) });
      const disconnected = subscriber.listener("disconnect").once();
      const count = 300;
      let missed = 0;
      await publishSteadily(publisher, "chat/room", 1, count, async (i) => {
        if (i === 101) {
          proxy.cut();
          await disconnected;
        }
        if (i === 201) {
          missed = 200 - received.length;
          await proxy.restore();
        }
      });
      await until(() => received.length >= count, () => `${received.length} of ${count}`);
      await Bun.sleep(50); // a duplicate would come now
      expect(received).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(missed).toBeGreaterThanOrEqual(100); // published while it was away, so recovered
      expect(proxy.connections()).toBeGreaterThanOrEqual(2);
      expect(recoveries).toEqual([{ channel: "chat/room", recovered: true, offset: expect.any(Number), epoch: channel.position!.epoch }]);
      expect(channel.position!.offset).toBe(count);
    }, 30_000);

    test("ClientSocket away longer than the history reaches gets recovered:false, and live publications after it", async () => {
      const { proxy, subscriber, publisher } = await through(await server());
      const channel = subscriber.subscribe<number>("short/room");
      const received: number[] = [];
      channel.watch((n) => received.push(n));
      await channel.listener("subscribe").once();
      await publishSteadily(publisher, "short/room", 1, 5);
      await until(() => received.length === 5, () => `${received.length} of 5`);
      proxy.cut();
      await subscriber.listener("disconnect").once();
      await publishSteadily(publisher, "short/room", 6, 35); // 6..35 while away; history keeps 26..35
      const recovery = channel.listener("recovery").once();
      await proxy.restore();
      expect(await recovery).toEqual({ channel: "short/room", recovered: false, offset: 35, epoch: channel.position!.epoch });
      await publisher.invokePublish("short/room", 36);
      await until(() => received.length === 6, () => `${received.length} of 6`);
      expect(received).toEqual([1, 2, 3, 4, 5, 36]);
      expect(channel.position!.offset).toBe(36);
    }, 30_000);
  });
}

describe("ClientSocket recovery across hosts (Redis)", () => {
  test("ClientSocket cut from host A and reconnected to host B ends with every publication exactly once, in order", async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const cluster = { engine: "redis", urls: [redis.url] };
    const hostB = await startScx({ channels, cluster });
    cleanup.push(() => hostB.stop());
    const { proxy, subscriber, publisher } = await setUp({ cluster }); // host A
    const channel = subscriber.subscribe<number>("chat/hosts");
    const received: number[] = [];
    channel.watch((n) => received.push(n));
    await channel.listener("subscribe").once();
    const recovery = channel.listener("recovery").once();
    const disconnected = subscriber.listener("disconnect").once();
    let missed = 0;
    await publishSteadily(publisher, "chat/hosts", 1, 150, async (i) => {
      if (i === 51) {
        proxy.cut();
        proxy.target(hostB.port);
        await disconnected;
      }
      if (i === 101) {
        missed = 100 - received.length;
        await proxy.restore();
      }
    });
    await until(() => received.length >= 150, () => `${received.length} of 150`);
    await Bun.sleep(50);
    expect(received).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(missed).toBeGreaterThanOrEqual(50);
    expect((await recovery).recovered).toBe(true);
    expect(hostB.server.clients.get(subscriber.id!)).toBeDefined(); // it did come back on host B
  }, 30_000);
});

describe("ClientSocket on a latest channel with history", () => {
  test("ClientSocket gets the channel's last publication once after subscribing, and not again after a recovering resubscribe", async () => {
    const { subscriber, publisher } = await setUp();
    await publishSteadily(publisher, "status/a", 1, 3);
    const channel = subscriber.subscribe<number>("status/a");
    const log: unknown[] = [];
    channel.watch((n) => log.push(n));
    channel.on("subscribe", ({ recovered }) => log.push({ recovered }));
    await channel.listener("subscribe").once();
    await until(() => log.length === 2, () => JSON.stringify(log));
    subscriber.reconnect(4000);
    await channel.listener("subscribe").once();
    await publisher.invokePublish("status/a", 4);
    await until(() => log.length === 4, () => JSON.stringify(log));
    await Bun.sleep(30);
    expect(log).toEqual([{ recovered: false }, 3, { recovered: true }, 4]);
  });
});

describe("ClientSocket when the broker owning a history channel crashes (memory engine)", () => {
  test("Channel emits recovery with recovered:false before the first publication of the new epoch, then follows it", async () => {
    const { scx, subscriber, publisher } = await setUp({ workers: 2, brokers: 2, logLevel: "silent" }); // the kill logs an error
    const channel = subscriber.subscribe<number | string>("chat/crash");
    const log: unknown[] = [];
    channel.watch((data) => log.push(data));
    channel.on("recovery", ({ recovered, offset }) => log.push({ recovered, offset }));
    const { epoch: before } = await channel.listener("subscribe").once();
    await publishSteadily(publisher, "chat/crash", 1, 3);
    const owner = brokerIndex("chat/crash", 2);
    const restarted = scx.server.supervisor!.nextStart("broker", owner);
    scx.server.supervisor!.kill("broker", owner);
    await restarted;
    await publisher.invokePublish("chat/crash", "after");
    await until(() => log.length === 5, () => JSON.stringify(log));
    expect(log).toEqual([1, 2, 3, { recovered: false, offset: 1 }, "after"]);
    expect(channel.position!.epoch).not.toBe(before);
    expect(channel.position!.offset).toBe(1);
  }, 30_000);
});

const inProcess = (config: Record<string, unknown>) => async () => (await setUp(config)).scx.port;
suite("in-process", inProcess({}));
suite("2 workers, 2 brokers", inProcess({ workers: 2, brokers: 2 }));
suite("deno run cli.ts serve, 2 workers, 2 brokers", denoServer);
