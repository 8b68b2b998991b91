/**
 * The codec load generator: `bun bench/codecLoad.ts '<json args>'` → one JSON line.
 * `subscribers` sockets speaking `codec` subscribe to one channel; one publisher sends
 * `messages` publications of the `payload` kind in bursts; it counts deliveries and the
 * bytes of each #publish frame as received.
 */
import { jsonCodec, type Codec } from "../src/protocol/codec.ts";
import { codecNamed } from "../src/protocol/codecs.ts";

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

interface Conn { ws: WebSocket; invoke(event: string, data?: unknown): Promise<any>; send(packet: unknown): void }

function open(onPublish?: (bytes: number) => void): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    let cid = 0;
    const pending = new Map<number, (reply: any) => void>();
    const conn: Conn = {
      ws,
      send: (packet) => ws.send(codec.encode(packet)),
      invoke: (event, data) => new Promise((done) => {
        const id = ++cid;
        pending.set(id, done);
        ws.send(codec.encode({ event, data, cid: id }));
      }),
    };
    let subscribed = false;
    ws.onmessage = (event) => {
      if (event.data === "") return ws.send("");
      // Once subscribed, a subscriber gets only publications: counted without decoding, so the
      // load generator costs the same whatever the codec (its speed shapes the server's batching).
      if (subscribed && onPublish) return onPublish(typeof event.data === "string" ? event.data.length : event.data.byteLength);
      const frame = typeof event.data === "string" ? event.data : new Uint8Array(event.data);
      const packet = codec.decode(frame) as any;
      if (typeof packet?.rid === "number") {
        if (packet.rid === 2) subscribed = true;
        pending.get(packet.rid)?.(packet);
        pending.delete(packet.rid);
      }
    };
    ws.onerror = () => reject(new Error("connect failed"));
    ws.onopen = async () => {
      await conn.invoke("#handshake", { authToken: null });
      resolve(conn);
    };
  });
}

const { subscribers, messages, burst } = args;
const channel: string = args.channel ?? "bench/fan";
let received = 0;
let frameBytes = 0;
let target = 0;
let wake: () => void = () => {};
const subs: Conn[] = [];
for (let i = 0; i < subscribers; i += 250) {
  subs.push(...await Promise.all(Array.from({ length: Math.min(250, subscribers - i) }, async () => {
    const conn = await open((bytes) => { frameBytes = bytes; if (++received >= target) wake(); });
    await conn.invoke("#subscribe", { channel });
    return conn;
  })));
}
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
