/**
 * Fuzzing the Pusher protocol (issue 16): seeded random Pusher frames — malformed JSON,
 * wrong types, unknown events, binary frames, oversized client events, random garbage —
 * on raw sockets to `/app/{key}`, with `workers: 2`. Each frame gets exactly the answer
 * an oracle written here from Pusher's rules predicts (a precise pusher:error, a pong, or
 * nothing), the socket stays open, bystanders (pusher-js and socketcluster-client) get
 * every publication of a steady publisher in order and nothing else, and every worker
 * still accepts connections. FUZZ_SEED picks the seed (shared with tests/fuzz.test.ts).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { brokenJson } from "./helpers/fuzzFrames.ts";
import { garbage, oddStrings, Rng, seed, subSeed } from "./helpers/fuzzValues.ts";
import { connected } from "./helpers/scClient.ts";
import { connectedClient, pusherApp, record, startAuthEndpoint, subscribed, type AuthEndpoint } from "./helpers/pusherClient.ts";

const PusherServer = require("pusher");
const sdk = new PusherServer({ appId: pusherApp.id, key: pusherApp.key, secret: pusherApp.secret });
const frames = Number(process.env.FUZZ_PUSHER_FRAMES ?? 600);
const maxPayload = 64 * 1024;
const limit = 10 * 1024;

let server: ScxServer;
let auth: AuthEndpoint;
beforeAll(async () => {
  auth = startAuthEndpoint();
  server = createServer({ host: "127.0.0.1", port: 0, workers: 2, brokers: 2, logLevel: "silent", maxPayload, pusher: { apps: [pusherApp] } });
  await server.start();
});
afterAll(async () => {
  auth.stop();
  await server.stop();
});

/** A raw Pusher socket that keeps every frame it receives, decoded (data parsed back from its JSON text). */
class RawPusher {
  readonly ws: WebSocket;
  readonly received: any[] = [];
  socketId = "";
  closed: { code: number } | null = null;
  #waiters: Array<() => void> = [];
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.onmessage = (event) => {
      const frame = JSON.parse(String(event.data));
      if (typeof frame.data === "string") try { frame.data = JSON.parse(frame.data); } catch { /* a string payload */ }
      this.received.push(frame);
      for (const wake of this.#waiters.splice(0)) wake();
    };
    this.ws.onclose = (event) => {
      this.closed = { code: event.code };
      for (const wake of this.#waiters.splice(0)) wake();
    };
  }
  async next(): Promise<any> {
    while (this.received.length === 0) {
      if (this.closed) throw new Error(`Closed with ${this.closed.code}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.received.shift();
  }
  /** Every frame up to and including the next `pusher:pong` (the marker after each fuzz frame). */
  async untilPong(): Promise<any[]> {
    const out: any[] = [];
    for (;;) {
      const frame = await this.next();
      if (frame.event === "pusher:pong") return out;
      out.push(frame);
    }
  }
}

/** A pusher:error's data, "pong" (a ping's answer), or null: nothing at all. */
type Answer = { code: number; message: string } | "pong" | null;
const invalid = (message: string): Answer => ({ code: 4300, message });
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** What Pusher's rules (and scx's documented messages) say a frame gets: one pusher:error, or nothing. */
function oracle(frame: string | Uint8Array, subscribedTo: string): Answer {
  if (typeof frame !== "string") return invalid("Invalid message: binary frames are not part of the Pusher protocol");
  let value: unknown;
  // A text frame is UTF-8 on the wire: a raw lone surrogate arrives as U+FFFD.
  try { value = JSON.parse(frame.toWellFormed()); } catch { return invalid("Invalid message: not JSON"); }
  if (!isObject(value)) return invalid("Invalid message: not a JSON object");
  const { event, channel, data } = value;
  if (typeof event !== "string") return invalid("Invalid message: \"event\" must be a string");
  if (event === "pusher:ping") return "pong";
  if (event === "pusher:pong") return null;
  if (event.startsWith("client-")) {
    if (typeof channel !== "string") return invalid(`Invalid message: the ${event} client event needs a string "channel"`);
    if (!channel.startsWith("private-") && !channel.startsWith("presence-")) {
      return { code: 4302, message: `Client event rejected: only private and presence channels take client events, not "${channel}"` };
    }
    if (channel !== subscribedTo) return { code: 4302, message: `Client event rejected: not subscribed to "${channel}"` };
    const text = data === undefined ? "" : typeof data === "string" ? data : JSON.stringify(data);
    const bytes = new TextEncoder().encode(text).byteLength;
    if (bytes > limit) return { code: 4303, message: `Client event rejected: data is ${bytes} bytes, over the ${limit} byte limit` };
    return null;
  }
  const fields = (() => {
    let d = data;
    if (typeof d === "string") try { d = JSON.parse(d); } catch { return null; }
    return isObject(d) ? d : null;
  })();
  if (event === "pusher:subscribe" || event === "pusher:unsubscribe") {
    if (!fields || typeof fields.channel !== "string") return invalid(`Invalid message: ${event} needs data with a string "channel"`);
    if (event === "pusher:unsubscribe") return null;
    if (fields.auth !== undefined && typeof fields.auth !== "string") return invalid("Invalid message: \"auth\" must be a string");
    if (fields.channel_data !== undefined && typeof fields.channel_data !== "string") return invalid("Invalid message: \"channel_data\" must be a string");
    throw new Error("The generator makes no well-formed subscribes (their answers are asynchronous)");
  }
  if (event === "pusher:signin") {
    if (!fields || typeof fields.auth !== "string" || typeof fields.user_data !== "string") {
      return invalid("Invalid message: pusher:signin needs data with string \"auth\" and \"user_data\"");
    }
    return { code: 4009, message: "Invalid signin: the auth does not match this connection's socket_id, user_data and the app's secret" };
  }
  return invalid(`Invalid message: unknown event "${event.slice(0, 64)}"`);
}

const events = ["pusher:subscribe", "pusher:unsubscribe", "pusher:signin", "pusher:ping", "pusher:pong", "pusher:connection_established",
  "pusher:error", "pusher_internal:member_added", "client-x", "client-", "nope", "", "__proto__", 5, null, true, ["client-x"]] as const;

/** Data that JSON carries (no nesting past 20 levels): client events and field values. */
function plainValue(rng: Rng): unknown {
  const value = garbage(rng);
  const text = JSON.stringify(value) ?? "";
  return text.length > 20_000 || /(\[\[|\{"[^"]*":\{){20}/.test(text) ? rng.text() : value;
}

function generate(rng: Rng, subscribedTo: string): string | Uint8Array {
  switch (rng.int(9)) {
    case 0: return brokenJson(rng);
    case 1: return rng.pick(["", "null", "5", "\"str\"", "[]", "[{}]", "true", "{}", "{\"event\":", "\ufeff{}", " "]);
    case 2: return rng.bytes(1 + rng.int(40));
    case 3: {
      // A subscribe or signin with a field of the wrong type.
      const kind = rng.int(4);
      if (kind === 0) return JSON.stringify({ event: "pusher:subscribe", data: rng.chance(0.5) ? plainValue(rng) : { channel: rng.pick([5, null, [], {}, true]) } });
      if (kind === 1) return JSON.stringify({ event: "pusher:subscribe", data: { channel: "private-x", auth: rng.pick([5, null, [], {}]) } });
      if (kind === 2) return JSON.stringify({ event: "pusher:subscribe", data: { channel: "presence-x", auth: "k:s", channel_data: rng.pick([5, {}, []]) } });
      return JSON.stringify({ event: "pusher:signin", data: rng.chance(0.5) ? plainValue(rng) : { auth: rng.text(), user_data: rng.text() } });
    }
    case 4: {
      // Client events: valid, oversized, on other channels, without a channel.
      const channel = rng.pick([subscribedTo, subscribedTo, "private-other", "presence-other", "public", 5, null, undefined, rng.pick(oddStrings)]);
      const data = rng.chance(0.25) ? "y".repeat(limit - 50 + rng.int(100)) : rng.chance(0.1) ? { big: "é".repeat(3000 + rng.int(4000)) } : plainValue(rng);
      return JSON.stringify({ event: `client-${rng.text(6)}`, channel, data });
    }
    case 5: return JSON.stringify({ event: rng.text(10), data: plainValue(rng) });
    default: {
      const packet: Record<string, unknown> = { event: rng.pick(events) };
      if (rng.chance(0.8)) packet.data = plainValue(rng);
      if (rng.chance(0.5)) packet.channel = rng.pick([subscribedTo, "public", 5, rng.text()]);
      // A well-formed subscribe's answer is asynchronous: keep its channel from being a string.
      if (packet.event === "pusher:subscribe" && isObject(packet.data) && typeof packet.data.channel === "string") packet.data.channel = 0;
      if (packet.event === "pusher:subscribe" && typeof packet.data === "string") packet.data = 1;
      return JSON.stringify(packet);
    }
  }
}

test(`Pusher fuzz (seed ${seed}): ${frames} random frames get the predicted pusher:error or nothing; bystanders and workers unharmed`, async () => {
  const rng = new Rng(subSeed("pusher"));
  const url = `ws://127.0.0.1:${server.port}/app/${pusherApp.key}?protocol=7&client=js&version=8.4.0`;

  // Bystanders: pusher-js and socketcluster-client on one channel, fed by a steady publisher.
  const bystander = await connectedClient(server.port, auth);
  const { channel: watched } = await subscribed(bystander, "private-bystanders");
  const seen = record(watched, "seq");
  const { client: sc } = await connected(server.port);
  const scChannel = sc.subscribe("private-bystanders");
  await scChannel.listener("subscribe").once();
  const scSeen: unknown[] = [];
  void (async () => { for await (const data of scChannel) scSeen.push(data); })();
  let published = 0;
  const publisher = setInterval(() => void server.exchange.publish("private-bystanders", { event: "seq", data: { n: published++ } }), 5);

  const fuzz = new RawPusher(url);
  const established = await fuzz.next();
  expect(established.event).toBe("pusher:connection_established");
  fuzz.socketId = established.data.socket_id;
  const mine = "private-fuzz";
  fuzz.ws.send(JSON.stringify({ event: "pusher:subscribe", data: { channel: mine, auth: sdk.authorizeChannel(fuzz.socketId, mine).auth } }));
  expect(await fuzz.next()).toEqual({ event: "pusher_internal:subscription_succeeded", channel: mine, data: {} });

  const failures: string[] = [];
  for (let i = 0; i < frames; i++) {
    const frame = generate(rng, mine);
    const expected = oracle(frame, mine);
    fuzz.ws.send(frame);
    fuzz.ws.send('{"event":"pusher:ping","data":{}}');
    const got = await fuzz.untilPong();
    // A fuzzed ping's own pong ends the first wait: the marker's is the second.
    if (expected === "pong") got.push(...await fuzz.untilPong());
    const want = expected === null || expected === "pong" ? [] : [{ event: "pusher:error", data: expected }];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      failures.push(`#${i} ${typeof frame === "string" ? frame.slice(0, 120) : `<${frame.byteLength} bytes>`}: got ${JSON.stringify(got).slice(0, 300)}, want ${JSON.stringify(want)}`);
    }
  }
  expect(failures).toEqual([]);
  expect(fuzz.closed).toBeNull();

  // A frame over maxPayload: the runtime closes that socket with 1009, nobody else notices.
  const big = new RawPusher(url);
  await big.next();
  big.ws.send(JSON.stringify({ event: "client-big", channel: mine, data: "z".repeat(maxPayload) }));
  await big.next().catch(() => undefined);
  expect(big.closed?.code).toBe(1009);

  clearInterval(publisher);
  await seen.until(published);
  expect(seen.seen.map((d: any) => d.n)).toEqual(Array.from({ length: published }, (_, n) => n));
  while (scSeen.length < published) await Bun.sleep(10);
  expect(scSeen.map((d: any) => d.data.n)).toEqual(Array.from({ length: published }, (_, n) => n));

  // Every worker still takes connections (reusePort spreads them).
  for (let i = 0; i < 6; i++) {
    const c = await connectedClient(server.port, auth);
    expect(c.connection.socket_id).toMatch(/^\d+\.\d+$/);
    c.disconnect();
  }
  fuzz.ws.close();
  bystander.disconnect();
  sc.disconnect();
}, 180_000);
