/**
 * `latest` and `conflate` (issue 11 §3 and "Show"): a late subscriber gets the last value
 * at once; a `conflate: 200` subscriber flooded with 1,000 publications in about a second
 * gets about 5–6, at least 200 ms apart, the last being the last published, while a
 * subscriber of an ordinary channel gets all of them. Both also across two hosts sharing
 * a real redis-server.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { startScx, type StartedScx } from "./helpers/startScx.ts";

let server: ScxServer;
let url: string;

beforeAll(async () => {
  server = createServer({
    host: "127.0.0.1", port: 0, workers: 0, logLevel: "silent",
    channels: [{ match: "status/*", latest: true }, { match: "ticker/*", conflate: 200 }],
  });
  await server.start();
  url = `ws://127.0.0.1:${server.port}/socketcluster/`;
});
afterAll(() => server.stop());

async function subscribe(channel: string, at = url): Promise<RawSocket> {
  const socket = await handshaken(at);
  socket.send({ event: "#subscribe", data: { channel }, cid: 2 });
  expect(await socket.nextPacket()).toEqual({ rid: 2 });
  return socket;
}

function record(socket: RawSocket, channel: string) {
  const got: Array<{ data: unknown; at: number }> = [];
  socket.ws.addEventListener("message", (event) => {
    const text = String(event.data);
    if (!text.startsWith("{")) return;
    const packet = JSON.parse(text);
    if (packet.event === "#publish" && packet.data.channel === channel) got.push({ data: packet.data.data, at: performance.now() });
  });
  return got;
}

test("latest: a subscriber arriving after the publications gets the last one right after its reply", async () => {
  for (let n = 1; n <= 5; n++) await server.exchange.publish("status/door", { open: n % 2 === 1, n });
  const late = await subscribe("status/door");
  expect(await late.nextPacket()).toEqual({ event: "#publish", data: { channel: "status/door", data: { open: true, n: 5 } } });
  late.ws.close();
});

test("conflate: 200 ms: 1,000 publications in about a second arrive as about 5–6, ≥ 200 ms apart, ending with the last", async () => {
  const ticker = await subscribe("ticker/btc");
  const plain = await subscribe("plain/btc");
  const conflated = record(ticker, "ticker/btc");
  const all = record(plain, "plain/btc");
  const start = performance.now();
  for (let n = 1; n <= 1000; n++) {
    server.exchange.publish("ticker/btc", n);
    server.exchange.publish("plain/btc", n);
    // 1,000 spread evenly over about a second: publication n is due n ms after the start.
    const due = start + n;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
  }
  const elapsed = performance.now() - start;
  await Bun.sleep(300); // the trailing delivery
  expect(all.length).toBe(1000);
  expect(conflated.at(-1)!.data).toBe(1000);
  const expected = Math.floor(elapsed / 200) + 1;
  expect(conflated.length).toBeGreaterThanOrEqual(expected - 1);
  expect(conflated.length).toBeLessThanOrEqual(expected + 1);
  expect(conflated[0]!.data).toBe(1); // the leading edge goes out at once
  for (let i = 1; i < conflated.length; i++) expect(conflated[i]!.at - conflated[i - 1]!.at).toBeGreaterThan(180);
  ticker.ws.close();
  plain.ws.close();
});

describe("latest and conflate across hosts through Redis", () => {
  let redis: RedisProcess;
  let hostA: StartedScx;
  let hostB: StartedScx;
  const channels = [{ match: "status/*", latest: true }, { match: "ticker/*", conflate: 200 }];
  beforeAll(async () => {
    redis = await startRedis();
    const cluster = { engine: "redis" as const, urls: [redis.url], prefix: "lc:" };
    hostA = await startScx({ cluster, channels });
    hostB = await startScx({ cluster, channels, workers: 2, brokers: 2 });
    for (const host of [hostA, hostB]) {
      while ((await fetch(`http://127.0.0.1:${host.port}/readyz`)).status !== 200) await Bun.sleep(20);
    }
  });
  afterAll(async () => {
    await hostA?.stop();
    await hostB?.stop();
    await redis?.stop();
  });

  test("latest: published on host A, a late subscriber on host B gets the last value right after its reply", async () => {
    for (let n = 1; n <= 3; n++) await hostA.server.exchange.publish("status/redis", n);
    const late = await subscribe("status/redis", hostB.url);
    expect(await late.nextPacket()).toEqual({ event: "#publish", data: { channel: "status/redis", data: 3 } });
    late.ws.close();
  });

  test("conflate: a burst published on host A reaches a subscriber on host B as its first and last", async () => {
    const ticker = await subscribe("ticker/redis", hostB.url);
    const got = record(ticker, "ticker/redis");
    // The subscribe reply came after Redis had subscribed host B, so the whole burst reaches it.
    for (let n = 1; n <= 100; n++) hostA.server.exchange.publish("ticker/redis", n);
    while (got.at(-1)?.data !== 100) await Bun.sleep(20);
    expect(got[0]!.data).toBe(1);
    expect(got.length).toBeLessThanOrEqual(3);
    ticker.ws.close();
  });
});
