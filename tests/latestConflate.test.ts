/**
 * `latest` and `conflate` (issue 11 §3 and "Show"): a late subscriber gets the last value
 * at once; a `conflate: 200` subscriber flooded with 1,000 publications in about a second
 * gets about 5–6, at least 200 ms apart, the last being the last published, while a
 * subscriber of an ordinary channel gets all of them.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";

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

async function subscribe(channel: string): Promise<RawSocket> {
  const socket = await handshaken(url);
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
