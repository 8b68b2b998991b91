/**
 * The codec load generator: `bun bench/codecLoad.ts '<json args>'` → one JSON line.
 * `subscribers` sockets speaking `codec` subscribe to one channel; one publisher sends
 * `messages` publications of the `payload` kind in bursts; it counts deliveries and the
 * bytes of each #publish frame as received.
 */
import { jsonCodec, type Codec } from "../src/protocol/codec.ts";
import { codecNamed } from "../src/protocol/codecs.ts";
import { type BenchSocket, inBatches, openBenchSocket } from "./benchSocket.ts";

const args = JSON.parse(process.argv[2] ?? "{}");
const codec: Codec = codecNamed(args.codec ?? "json");
const url = `ws://127.0.0.1:${args.port}/socketcluster/`;

/** Small: a chat line. Large structured: 40 records of mixed fields (~3.4 KB as JSON); xlarge: 400 (~34 KB). */
export function payload(kind: "small" | "large" | "xlarge", n: number): unknown {
  if (kind === "small") return { text: "hello, world", n, user: "ada" };
  return {
    n, page: 3, total: 1200, tags: ["alpha", "beta", "gamma"],
    rows: Array.from({ length: kind === "large" ? 40 : 400 }, (_, i) => ({ id: 100000 + i, name: `item ${i}`, price: 12.5 + i, qty: i * 3, ok: i % 2 === 0, at: 1733123456789 + i })),
  };
}

type Conn = BenchSocket;

/**
 * A socket in `codec`. Once subscribed, a subscriber gets only publications: counted
 * without decoding (`onPublish` with the frame's size), so the load generator costs the
 * same whatever the codec (its speed shapes the server's batching).
 */
async function open(onPublish?: (bytes: number) => void): Promise<Conn> {
  let subscribed = false;
  const conn = await openBenchSocket(args.port, {
    codec, url,
    onFrame: (frame) => {
      if (!subscribed || !onPublish) return false;
      onPublish(typeof frame === "string" ? frame.length : frame.byteLength);
      return true;
    },
  });
  if (!onPublish) return conn;
  return { ...conn, invoke: async (event, data) => {
    const reply = await conn.invoke(event, data);
    if (event === "#subscribe") subscribed = true;
    return reply;
  } };
}

const { subscribers, messages, burst } = args;
const channel: string = args.channel ?? "bench/fan";
let received = 0;
let frameBytes = 0;
let target = 0;
let wake: () => void = () => {};
const subs: Conn[] = await inBatches(subscribers, async () => {
  const conn = await open((bytes) => { frameBytes = bytes; if (++received >= target) wake(); });
  await conn.invoke("#subscribe", { channel });
  return conn;
});
const publisher = await open();
const started = performance.now();
for (let sent = 0; sent < messages; sent += burst) {
  target = subscribers * Math.min(sent + burst, messages);
  const done = new Promise<void>((resolve) => { wake = resolve; });
  for (let i = sent; i < Math.min(sent + burst, messages); i++) publisher.send({ event: "#publish", data: { channel, data: payload(args.payload, i) } });
  if (received < target) await done;
}
const seconds = (performance.now() - started) / 1000;
for (const conn of [...subs, publisher]) conn.ws.close();
const jsonBytes = new TextEncoder().encode(jsonCodec.encode({ event: "#publish", data: { channel, data: payload(args.payload, 1) } })).length;
console.log(JSON.stringify({ deliveries: received, seconds, perSecond: received / seconds, frameBytes, jsonBytes }));
process.exit(0);
