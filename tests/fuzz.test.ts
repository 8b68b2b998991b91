/**
 * Fuzz: more than 10,000 malformed frames thrown at a running scx over raw sockets (broken
 * JSON, wrong types in every field of every reserved and user packet, odd cids, deep
 * nesting, long strings, batches of garbage mixed with valid packets, binary and empty
 * frames), while official socketcluster-client "bystanders" publish to each other.
 *
 * Deterministic: every frame comes from a seeded PRNG. A failure names the seed; rerun
 * with `FUZZ_SEED=<seed> bun test tests/fuzz.test.ts` to get the same frames.
 * No sleeps: each fuzz round ends with an echo invoke per socket, whose reply is a barrier
 * (a socket's packets are handled strictly in order).
 */
import { maxNesting, valueNestsDeeperThan } from "../src/protocol/nestingDepth.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { scClient } from "./helpers/scClient.ts";
import { CloseCode } from "../src/protocol/closeCodes.ts";
import { ErrorName, namedError } from "../src/protocol/errorNames.ts";

const seed = (Number(process.env.FUZZ_SEED ?? 0x5c5eed) >>> 0) || 1;
const maxPayload = 64 * 1024;
const bystanderChannel = "bystanders";
/** Once scx's internal ping topic; NUL names stay reserved (topicOf in src/worker/SocketWorker.ts). */
const pingTopic = "\u0000scx:ping";

/** Frames sent by every test of this file; the last fuzz test checks the total. */
const sent = { fuzz: 0, fatal: 0 };

// ---------------------------------------------------------------------------------------
// Seeded randomness

class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** mulberry32: small, fast, good enough to pick fuzz cases. */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
  /** Short strings from every corner of UTF-16: ASCII, Latin-1, BMP, astral, lone surrogates. */
  text(max = 12): string {
    let s = "";
    const n = this.int(max + 1);
    for (let i = 0; i < n; i++) {
      const kind = this.int(6);
      if (kind === 0) s += String.fromCharCode(32 + this.int(95));
      else if (kind === 1) s += String.fromCharCode(this.int(32));
      else if (kind === 2) s += String.fromCharCode(0x80 + this.int(0x780));
      else if (kind === 3) s += String.fromCharCode(0xd800 + this.int(0x800));
      else if (kind === 4) s += String.fromCodePoint(0x10000 + this.int(0x10000));
      else s += this.pick(["\"", "\\", "{", "}", "[", "]", ",", ":", "#", "\n", "\u2028", "\ufeff"]);
    }
    return s;
  }
}

function subSeed(name: string): number {
  let h = seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0 || 1;
}

/** Run a test body; on failure, name the seed so the same frames can be replayed. */
function seeded(name: string, body: (rng: Rng) => Promise<void>, timeout = 20_000): void {
  test(name, async () => {
    try {
      await body(new Rng(subSeed(name)));
    } catch (error) {
      if (error instanceof Error) error.message += `\n  (fuzz seed ${seed}: rerun with FUZZ_SEED=${seed})`;
      throw error;
    }
  }, timeout);
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms); }),
  ]);
}

// ---------------------------------------------------------------------------------------
// Garbage values

const oddNumbers = [0, -0, 1, -1, 0.5, -1.5, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e21, 123456.789] as const;
const oddStrings = ["", " ", "0", "1", "NaN", "Infinity", "-0", "1e308", "null", "true", "undefined", "[object Object]", "#1", "#2", "#handshake", "#publish", "__proto__", "constructor", "toString", "\u0000", "\ud800", "\udfff", "\u2028", "\ufeff", "\"", "\\", "%s%n", "../../etc/passwd"] as const;
const objectKeys = ["event", "data", "cid", "rid", "error", "channel", "authToken", "waitForAuth", "message", "name", "__proto__", "constructor", "prototype", "", "\u0000", "x"] as const;
const reservedEvents = ["#handshake", "#subscribe", "#unsubscribe", "#publish", "#authenticate", "#removeAuthToken"] as const;
const otherEvents = ["#kickOut", "#setAuthToken", "#disconnect", "#", "#1", "#2", "echo", "slowEcho", "boom", "nope", "", " ", "__proto__", "constructor", "hasOwnProperty", "\u0000", "\ud800"] as const;
/** Channels fuzz packets may really subscribe and publish to (never the bystanders'). */
const fuzzChannels = ["fz-a", "fz-b", "fz-c", "fz-\u00e9\u{1f600}", `fz-${"x".repeat(400)}`, "", " ", "0", "#publish", "__proto__", "\ud800", "\u0000", pingTopic] as const;

/** Every cid a random packet may carry; none falls in the ranges of checked cids below. */
function randomCid(rng: Rng): unknown {
  switch (rng.int(4)) {
    case 0: return rng.pick(oddNumbers);
    case 1: return rng.int(1000);
    case 2: return rng.pick(["1", "NaN", "Infinity", "-1", "1e308", "", "0x10"]);
    default: return rng.pick([null, true, false, [], {}, [1], { cid: 1 }]);
  }
}

function nested(depth: number, inner: unknown, asObject: boolean): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
}

function longString(rng: Rng): string {
  const n = rng.pick([1000, 4096, 20_000, 50_000]);
  return rng.chance(0.5) ? "x".repeat(n) : rng.text(40).repeat(Math.ceil(n / 80)).slice(0, n);
}

function garbage(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 7 : 10)) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick(oddNumbers);
    case 3: return rng.int(2 ** 31) - 2 ** 30;
    case 4: return rng.text();
    case 5: return rng.pick(oddStrings);
    case 6: return rng.chance(0.02) ? longString(rng) : rng.chance(0.01) ? nested(1000 + rng.int(4000), rng.text(3), rng.chance(0.3)) : [];
    case 7: return Array.from({ length: rng.int(5) }, () => garbage(rng, depth + 1));
    case 8: {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(4); i > 0; i--) out[rng.chance(0.8) ? rng.pick(objectKeys) : rng.text(4)] = garbage(rng, depth + 1);
      return out;
    }
    default: return {};
  }
}

// ---------------------------------------------------------------------------------------
// Packets and frames

/** A packet whose every field may have the wrong type. */
function wrongPacket(rng: Rng): Record<string, unknown> {
  const packet: Record<string, unknown> = {};
  const event = rng.chance(0.7) ? rng.pick(reservedEvents) : rng.pick(otherEvents);
  if (rng.chance(0.93)) packet.event = rng.chance(0.88) ? event : garbage(rng);
  if (rng.chance(0.75)) packet.data = dataFor(rng, event);
  if (rng.chance(0.55)) packet.cid = randomCid(rng);
  if (rng.chance(0.12)) packet.rid = randomCid(rng);
  if (rng.chance(0.06)) packet.error = garbage(rng);
  if (rng.chance(0.06)) packet[rng.pick(objectKeys)] = garbage(rng);
  return packet;
}

function dataFor(rng: Rng, event: string): unknown {
  if (rng.chance(0.3)) return garbage(rng);
  switch (event) {
    case "#subscribe":
    case "#publish": {
      const data: Record<string, unknown> = { channel: rng.chance(0.6) ? rng.pick(fuzzChannels) : garbage(rng) };
      if (rng.chance(0.5)) data.data = garbage(rng);
      if (rng.chance(0.2)) data.waitForAuth = garbage(rng);
      return data;
    }
    case "#unsubscribe": return rng.chance(0.6) ? rng.pick(fuzzChannels) : garbage(rng);
    case "#authenticate": return rng.chance(0.5) ? jwtish(rng) : garbage(rng);
    case "#handshake": return { authToken: rng.chance(0.5) ? jwtish(rng) : garbage(rng) };
    default: return garbage(rng);
  }
}

function jwtish(rng: Rng): string {
  const part = () => btoa(rng.text(8).replace(/[^\x20-\x7e]/g, "a")).replaceAll("=", "");
  return rng.pick([
    () => `${part()}.${part()}.${part()}`,
    () => "eyJhbGciOiJub25lIn0.e30.",
    () => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
    () => `eyJhbGciOiJIUzI1NiIsImtpZCI6IngifQ.e30.${part()}`,
    () => "...",
    () => rng.text(20),
  ])();
}

/** A valid packet, to keep subscriptions and deliveries moving between the garbage. */
function validPacket(rng: Rng): Record<string, unknown> {
  const channel = rng.pick(fuzzChannels);
  switch (rng.int(5)) {
    case 0: return { event: "#subscribe", data: { channel }, cid: rng.int(1000) };
    case 1: return { event: "#publish", data: { channel, data: garbage(rng) } };
    case 2: return { event: "#unsubscribe", data: channel };
    case 3: return { event: "echo", data: garbage(rng), cid: rng.int(1000) };
    default: return { event: rng.pick(otherEvents), data: garbage(rng) };
  }
}

/** Broken JSON: a packet's text truncated, spliced, or given literals JSON lacks. */
function brokenJson(rng: Rng): string {
  const text = JSON.stringify(rng.chance(0.5) ? wrongPacket(rng) : validPacket(rng));
  switch (rng.int(9)) {
    case 0: return text.slice(0, Math.max(1, rng.int(text.length)));
    case 1: {
      const at = rng.int(text.length);
      return text.slice(0, at) + rng.text(3) + text.slice(at + rng.int(3));
    }
    case 2: return text.replace(/:(-?\d[\d.e+-]*)/, `:${rng.pick(["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "0x10", "01", "+1", "1.", ".5", "undefined"])}`);
    case 3: return `${text.slice(0, -1)},}`;
    case 4: return `${text}${rng.pick(["}", "]", ",", "garbage", "{}", "\u0000"])}`;
    case 5: return `/* c */${text}`;
    case 6: return `${rng.pick([" ", "\t", "\r\n", "\n\n"])}${text}`;
    case 7: return `{"event":"#subscribe","cid":1,"cid":"x","data":${rng.pick(["{\"channel\":", "[", "{", "\"", "{'channel':'a'}"])}`;
    default: return "[".repeat(1 + rng.int(5000));
  }
}

const oddFrames = ["", "#1", "#2", "null", "5", "-0", "1e999", "\"str\"", "true", "[]", "{}", "[null]", "[[]]", "[{}]", "[[{\"event\":\"echo\",\"cid\":1}]]", " \t\n{", "{\"event\"", "\"#1\"", "#3", "# 1", "\u0000", "\ufeff{}"] as const;

type Frame = { text: string } | { bytes: Uint8Array };

interface Expectation {
  cid: number;
  what: string;
  /** null when the reply is right, else what is wrong. */
  check(reply: any): string | null;
}

interface Generated { frame: Frame; expect: Expectation[] }

const expectsError = (name: string, message?: string | RegExp) => (reply: any): string | null => {
  const error = reply?.error;
  if (!error || error.name !== name) return `expected error ${name}, got ${short(reply)}`;
  if (typeof message === "string" && error.message !== message) return `expected message "${message}", got ${short(reply)}`;
  if (message instanceof RegExp && !message.test(error.message)) return `expected message ${message}, got ${short(reply)}`;
  return null;
};

function short(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} chars)` : text;
}

/** Data malformed for #subscribe/#publish per PROTOCOL.md §4.1/§4.3: not an object with a string channel. */
function malformedChannelData(rng: Rng): unknown {
  for (;;) {
    const value = rng.pick([
      () => garbage(rng),
      () => ({ channel: garbage(rng) }),
      () => ({ data: garbage(rng) }),
      () => [{ channel: "fz-a" }],
      () => "fz-a",
      () => JSON.parse("{\"__proto__\":{\"channel\":\"fz-a\"}}"),
      () => ({ channel: ["fz-a"] }),
      () => ({ channel: { toString: "fz-a" } }),
    ])();
    const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
    if (!isObject || typeof (value as { channel?: unknown }).channel !== "string") return value;
  }
}

/**
 * Packets whose answer is known: reserved events malformed with a numeric cid, and a few
 * more. Their cids come from ranges no random packet uses, in every numeric form
 * (integer, fraction, negative, near 1e308), and each must be echoed exactly as `rid`.
 */
class Checked {
  #n = 0;
  constructor(readonly rng: Rng) {}

  cid(): number {
    const n = ++this.#n;
    switch (n % 4) {
      case 0: return 9_000_000 + n;
      case 1: return 9_000_000 + n + 0.25;
      case 2: return -(9_000_000 + n);
      default: return (n + 1) * 1e300;
    }
  }

  packet(): { packet: Record<string, unknown>; expect: Expectation } {
    const rng = this.rng;
    const cid = this.cid();
    const make = (packet: Record<string, unknown>, what: string, check: Expectation["check"]) => {
      const full = { ...packet, cid };
      // The server refuses any packet nested deeper than maxNesting, whatever it is.
      if (valueNestsDeeperThan(full, maxNesting + 1)) {
        return { packet: full, expect: { cid, what: `${what}, nested too deep`, check: expectsError(ErrorName.InvalidMessage, /nests deeper than/) } };
      }
      return { packet: full, expect: { cid, what, check } };
    };
    switch (rng.int(10)) {
      case 0:
      case 1:
        return make({ event: "#subscribe", data: malformedChannelData(rng) }, "malformed #subscribe",
          expectsError(ErrorName.InvalidAction, "Subscribe channel name was malformatted"));
      case 2:
      case 3: {
        let data = garbage(rng);
        while (typeof data === "string") data = garbage(rng);
        return make({ event: "#unsubscribe", data }, "malformed #unsubscribe",
          expectsError(ErrorName.InvalidAction, "Unsubscribe channel name was malformatted"));
      }
      case 4:
      case 5:
        return make({ event: "#publish", data: malformedChannelData(rng) }, "malformed #publish",
          expectsError(ErrorName.InvalidAction, "Publish channel name was malformatted"));
      case 6: {
        const channel = `never-${this.#n}`;
        return make({ event: "#unsubscribe", data: channel }, "#unsubscribe from a channel never subscribed",
          expectsError(ErrorName.Broker, new RegExp(`^Failed to unsubscribe socket from the ${channel} channel - InvalidActionError: Socket `)));
      }
      case 7: {
        let token = garbage(rng);
        if (typeof token === "string") token = token.length === 0 ? token : null;
        return make({ event: "#authenticate", data: token }, "#authenticate without a token string",
          expectsError(ErrorName.AuthTokenInvalid, "jwt must be provided"));
      }
      case 8:
        return make({ event: "#handshake", data: garbage(rng) }, "a second #handshake",
          expectsError(ErrorName.InvalidAction, "The handshake is already complete"));
      default: {
        const data = rng.chance(0.04) ? nested(5000, rng.text(4), rng.chance(0.5)) : garbage(rng);
        const procedure = rng.pick(["echo", "slowEcho", "boom", "nope"]);
        if (procedure === "boom") return make({ event: "boom", data }, "invoke of a throwing procedure", expectsError("BoomError", "Boom"));
        if (procedure === "nope") return make({ event: "nope", data }, "invoke of no procedure", expectsError(ErrorName.NoProcedure));
        const expected = JSON.stringify(data);
        return make({ event: procedure, data }, `${procedure} of garbage`, (reply) => {
          if (reply?.error !== undefined) return `expected data, got ${short(reply)}`;
          return JSON.stringify(reply.data) === expected ? null : `expected data ${short(expected)}, got ${short(reply)}`;
        });
      }
    }
  }
}

/** The fuzz frame generator for handshaken sockets. */
class Fuzzer {
  readonly checked: Checked;
  constructor(readonly rng: Rng) {
    this.checked = new Checked(rng);
  }

  frame(): Generated {
    const rng = this.rng;
    const roll = rng.int(100);
    if (roll < 30) return text(JSON.stringify(wrongPacket(rng)));
    if (roll < 45) return this.#batch();
    if (roll < 60) return text(brokenJson(rng));
    if (roll < 68) return text(rng.chance(0.7) ? rng.pick(oddFrames) : rng.text(30));
    if (roll < 75) return this.#binary();
    if (roll < 88) {
      const { packet, expect } = this.checked.packet();
      return { frame: { text: JSON.stringify(packet) }, expect: [expect] };
    }
    if (roll < 98) return text(JSON.stringify(validPacket(rng)));
    // Rare and slow on the server: a whole frame nested thousands deep, or deep data.
    const depth = 1000 + rng.int(4000);
    if (rng.chance(0.5)) return text("[".repeat(depth) + "]".repeat(depth));
    return text(JSON.stringify({ event: rng.pick(["echo", "#publish", "#subscribe", "note"]), data: nested(depth, { channel: "fz-a" }, false), cid: rng.int(1000) }));
  }

  #batch(): Generated {
    const rng = this.rng;
    const items: unknown[] = [];
    const expect: Expectation[] = [];
    for (let i = 1 + rng.int(20); i > 0; i--) {
      const roll = rng.int(5);
      if (roll === 0) items.push(garbage(rng));
      else if (roll === 1) items.push(wrongPacket(rng));
      else if (roll === 2) items.push(validPacket(rng));
      else {
        const checked = this.checked.packet();
        items.push(checked.packet);
        expect.push(checked.expect);
      }
    }
    return { frame: { text: JSON.stringify(items) }, expect };
  }

  #binary(): Generated {
    const rng = this.rng;
    switch (rng.int(5)) {
      case 0: return { frame: { bytes: rng.bytes(rng.int(300)) }, expect: [] };
      case 1: return { frame: { bytes: new Uint8Array(0) }, expect: [] };
      case 2: {
        // Invalid UTF-8 inside what would otherwise be a JSON packet.
        const bad = rng.pick([[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80], [0x80], [0xff, 0xfe], [0xe2, 0x82]]);
        const head = new TextEncoder().encode("{\"event\":\"echo\",\"data\":\"");
        const tail = new TextEncoder().encode(`"}`);
        return { frame: { bytes: new Uint8Array([...head, ...bad, ...tail]) }, expect: [] };
      }
      default: {
        // A binary frame is parsed like a text frame, so a checked packet is answered too.
        const { packet, expect } = this.checked.packet();
        return { frame: { bytes: new TextEncoder().encode(JSON.stringify(packet)) }, expect: [expect] };
      }
    }
  }
}

function text(value: string): Generated {
  return { frame: { text: value }, expect: [] };
}

// ---------------------------------------------------------------------------------------
// What the server must do with a frame (PROTOCOL.md §1.2, §3.2), computed independently

/** The text the server reads: UTF-8 on the wire (lone surrogates become U+FFFD), BOM dropped. */
function wireText(frame: Frame): string {
  return new TextDecoder().decode("text" in frame ? new TextEncoder().encode(frame.text) : frame.bytes);
}

/** sc-formatter's decode rules (PROTOCOL.md §1.2). */
function decode(frame: Frame): unknown {
  const text = wireText(frame);
  if (text === "#1" || text === "#2" || !/^[ \t\r\n]*[{[]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function frameBytes(frame: Frame): number {
  return "text" in frame ? new TextEncoder().encode(frame.text).length : frame.bytes.length;
}

function packetsOf(frame: Frame): unknown[] {
  const decoded = decode(frame);
  return Array.isArray(decoded) ? decoded : [decoded];
}

const isFiniteNumber = (value: unknown) => typeof value === "number" && Number.isFinite(value);
const objectOf = (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value) ? value as Record<string, unknown> : null;

/** The close code a handshaken socket must get for this frame, or null if it stays open. */
function closeCodeWhenOpen(frame: Frame): number | null {
  if (frameBytes(frame) > maxPayload) return CloseCode.MessageTooBig;
  for (const value of packetsOf(frame)) {
    const packet = objectOf(value);
    if (packet?.event === "#authenticate" && !isFiniteNumber(packet.cid)) return CloseCode.HandshakeRejected;
  }
  return null;
}

/** The close code a socket must get when this is its first frame; null: no close (a handshake or `[]`). */
function closeCodeBeforeHandshake(frame: Frame): number | null {
  if (frameBytes(frame) > maxPayload) return CloseCode.MessageTooBig;
  const decoded = decode(frame);
  const first = Array.isArray(decoded) ? decoded[0] : decoded;
  if (Array.isArray(decoded) && decoded.length === 0) return null;
  const packet = objectOf(first);
  if (packet?.event !== "#handshake") return CloseCode.MessageBeforeHandshake;
  return isFiniteNumber(packet.cid) ? null : CloseCode.HandshakeRejected;
}

/** Whether a frame could touch the bystanders' channel (the fuzz leaves it alone). */
function touchesBystanders(frame: Frame): boolean {
  return wireText(frame).includes(bystanderChannel);
}

// ---------------------------------------------------------------------------------------
// Raw sockets that record every reply by rid

interface Closed { code: number; reason: string }

class Wire {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  closedWith: Closed | null = null;
  /** The socket id from the handshake reply. */
  id = "";
  /** rid (as String) → every reply carrying it */
  readonly replies = new Map<string, any[]>();
  readonly frames: string[] = [];
  readonly #waiters = new Map<string, (reply: any) => void>();
  readonly #recent: string[] = [];
  readonly #frameWaiters = new Set<(frame: string) => void>();

  constructor(url: string, readonly keepFrames = false) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = "arraybuffer";
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error("WebSocket failed to open"));
    });
    this.closed = new Promise((resolve) => {
      this.ws.onclose = (event) => resolve(this.closedWith = { code: event.code, reason: event.reason });
    });
    this.ws.onmessage = (event) => {
      const frame = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data);
      if (this.keepFrames) {
        this.frames.push(frame);
        for (const waiter of [...this.#frameWaiters]) waiter(frame);
      }
      if (frame === "" || frame === "#1") return;
      const packet = JSON.parse(frame);
      if (packet === null || typeof packet !== "object" || !("rid" in packet)) return;
      const key = String(packet.rid);
      const list = this.replies.get(key);
      if (list) list.push(packet);
      else this.replies.set(key, [packet]);
      this.#waiters.get(key)?.(packet);
    };
  }

  static async open(url: string, keepFrames = false): Promise<Wire> {
    const wire = new Wire(url, keepFrames);
    await wire.opened;
    return wire;
  }

  static async handshaken(url: string, keepFrames = false): Promise<Wire> {
    const wire = await Wire.open(url, keepFrames);
    wire.send({ text: JSON.stringify({ event: "#handshake", data: { authToken: null }, cid: 1 }) });
    wire.id = (await wire.reply(1, 5000)).data.id;
    return wire;
  }

  send(frame: Frame): void {
    if ("text" in frame) this.ws.send(frame.text);
    else this.ws.send(frame.bytes);
    this.#recent.push(short("text" in frame ? frame.text : `<binary ${[...frame.bytes.slice(0, 40)].join(",")}>`));
    if (this.#recent.length > 5) this.#recent.shift();
  }

  /** The reply to `cid` (already here or the next to come); rejects if the socket closes first. */
  reply(cid: number, ms: number): Promise<any> {
    const key = String(cid);
    const have = this.replies.get(key);
    if (have) return Promise.resolve(have[0]);
    const arrived = new Promise<any>((resolve) => this.#waiters.set(key, resolve));
    const closed = this.closed.then((info) => { throw new Error(`Socket closed with ${info.code} before the reply to cid ${cid}; last frames sent: ${this.#recent.join(" | ")}`); });
    return within(Promise.race([arrived, closed]), ms, `the reply to cid ${cid}; last frames sent: ${this.#recent.join(" | ")}`)
      .finally(() => this.#waiters.delete(key));
  }

  /** Resolves once a frame matching `test` has arrived (needs keepFrames). */
  frame(test: (frame: string) => boolean, ms: number): Promise<string> {
    const have = this.frames.find(test);
    if (have !== undefined) return Promise.resolve(have);
    let waiter!: (frame: string) => void;
    const arrived = new Promise<string>((resolve) => {
      waiter = (frame) => { if (test(frame)) resolve(frame); };
      this.#frameWaiters.add(waiter);
    });
    return within(arrived, ms, "a frame").finally(() => this.#frameWaiters.delete(waiter));
  }

  close(): void {
    this.ws.close();
  }
}

/** Send `frame` on a fresh socket (handshaken first or not); resolves with the close code it gets. */
async function closeCodeFor(url: string, frame: Frame, handshakeFirst: boolean): Promise<number> {
  const wire = handshakeFirst ? await Wire.handshaken(url) : await Wire.open(url);
  wire.send(frame);
  sent.fatal++;
  return (await within(wire.closed, 5000, `the close after ${short("text" in frame ? frame.text : "<binary>")}`)).code;
}

// ---------------------------------------------------------------------------------------
// Bystanders: official clients subscribed to one channel, publishing to each other

interface Bystander { client: any; received: Array<{ from: number; seq: number }>; waitFor(count: number): Promise<void> }

async function startBystander(port: number): Promise<Bystander> {
  const client = scClient(port, { ackTimeout: 5000 });
  await within(client.listener("connect").once(), 5000, "a bystander to connect");
  const channel = client.subscribe(bystanderChannel);
  await within(channel.listener("subscribe").once(), 5000, "a bystander to subscribe");
  const received: Array<{ from: number; seq: number }> = [];
  let wanted = Infinity;
  let reached: () => void = () => {};
  (async () => {
    for await (const data of channel) {
      received.push(data);
      if (received.length >= wanted) reached();
    }
  })();
  return {
    client, received,
    waitFor(count) {
      if (received.length >= count) return Promise.resolve();
      wanted = count;
      return new Promise((resolve) => { reached = resolve; });
    },
  };
}

// ---------------------------------------------------------------------------------------

describe("fuzz", () => {
  let scx: StartedScx;
  const bystanders: Bystander[] = [];
  let rawBystander: Wire;
  const published: number[] = [];
  const pendingPublishes: Promise<unknown>[] = [];
  const serverCloses: Array<{ id: string; code: number }> = [];

  const publishRound = () => {
    bystanders.forEach((bystander, from) => {
      const seq = published[from]++;
      const data = { from, seq };
      if (seq % 2 === 0) pendingPublishes.push(bystander.client.invokePublish(bystanderChannel, data));
      else bystander.client.transmitPublish(bystanderChannel, data);
    });
  };

  beforeAll(async () => {
    scx = await startScx({ maxPayload, handshakeTimeout: 5000 });
    scx.server.procedure("echo", (data) => data);
    scx.server.procedure("slowEcho", (data) => data);
    scx.server.procedure("boom", () => { throw namedError("BoomError", "Boom"); });
    scx.server.receiver("note", () => {});
    // An async middleware on one procedure makes the socket queue the frames behind it.
    scx.server.middleware("inbound", (action) => {
      if (action.type === "invoke" && action.procedure === "slowEcho") return new Promise<void>((resolve) => setTimeout(resolve, 0));
    });
    scx.server.on("disconnection", (socket, code) => serverCloses.push({ id: socket.id, code }));
    for (let i = 0; i < 3; i++) {
      bystanders.push(await startBystander(scx.port));
      published.push(0);
    }
    rawBystander = await Wire.handshaken(scx.url, true);
    rawBystander.send({ text: JSON.stringify({ event: "#subscribe", data: { channel: bystanderChannel }, cid: 2 }) });
    await rawBystander.reply(2, 5000);
  });

  afterAll(async () => {
    for (const bystander of bystanders) bystander.client.disconnect();
    rawBystander?.close();
    await scx?.stop();
  });

  seeded("a first frame other than #handshake closes with 4009 (4008 for a #handshake without a numeric cid)", async (rng) => {
    const fuzzer = new Fuzzer(rng);
    const cases: Frame[] = oddFrames.map((text) => ({ text }));
    cases.push({ bytes: new Uint8Array(0) }, { bytes: rng.bytes(64) });
    for (const cid of [undefined, "1", null, true, [], {}, "NaN"]) cases.push({ text: JSON.stringify({ event: "#handshake", data: {}, cid }) });
    cases.push({ text: "{\"event\":\"#handshake\",\"cid\":1e999}" }, { text: "[{\"event\":\"#subscribe\"},{\"event\":\"#handshake\",\"cid\":1}]" });
    while (cases.length < 150) {
      const { frame } = fuzzer.frame();
      if (closeCodeBeforeHandshake(frame) !== null) cases.push(frame);
    }
    const wrong: string[] = [];
    for (let i = 0; i < cases.length; i += 25) {
      await Promise.all(cases.slice(i, i + 25).map(async (frame) => {
        const expected = closeCodeBeforeHandshake(frame);
        if (expected === null) return;
        const code = await closeCodeFor(scx.url, frame, false);
        if (code !== expected) wrong.push(`${short("text" in frame ? frame.text : "<binary>")}: closed with ${code}, expected ${expected}`);
      }));
    }
    expect(wrong).toEqual([]);
  });

  seeded("#handshake with any finite numeric cid and garbage data is answered with that cid as rid", async (rng) => {
    const cids = [0, -1, 0.5, 1e308, -1e308, Number.MIN_VALUE, 2 ** 53 + 2, 9_999_999];
    await Promise.all(cids.map(async (cid) => {
      const wire = await Wire.open(scx.url);
      wire.send({ text: JSON.stringify({ event: "#handshake", data: dataFor(rng, "#handshake"), cid }) });
      sent.fatal++;
      const reply = await wire.reply(cid, 5000);
      expect(reply.rid).toBe(cid);
      expect(reply.data.id).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(reply.data.isAuthenticated).toBe(false);
      wire.close();
    }));
  });

  seeded("a frame over maxPayload closes with 1009, text or binary, before or after the handshake", async (rng) => {
    const frames: Frame[] = [
      { text: "x".repeat(maxPayload + 1) },
      { text: JSON.stringify({ event: "echo", data: "é".repeat(maxPayload / 2), cid: 1 }) },
      { bytes: rng.bytes(maxPayload + 1 + rng.int(5000)) },
      { text: JSON.stringify([...Array(3000)].map(() => wrongPacket(rng))) + " ".repeat(maxPayload) },
    ];
    const codes = await Promise.all(frames.flatMap((frame) => [closeCodeFor(scx.url, frame, false), closeCodeFor(scx.url, frame, true)]));
    expect(codes).toEqual(Array(codes.length).fill(CloseCode.MessageTooBig));
  });

  seeded("#authenticate without a numeric cid closes with 4008, alone or inside a batch", async (rng) => {
    const frames: Frame[] = [];
    for (const cid of [undefined, "1", null, "NaN", [], {}, true]) {
      const packet = cid === undefined ? { event: "#authenticate", data: jwtish(rng) } : { event: "#authenticate", data: garbage(rng), cid };
      frames.push({ text: JSON.stringify(packet) });
      frames.push({ text: JSON.stringify([validPacket(rng), packet, validPacket(rng)]) });
    }
    frames.push({ text: "{\"event\":\"#authenticate\",\"data\":\"x\",\"cid\":1e999}" });
    const codes = await Promise.all(frames.map((frame) => closeCodeFor(scx.url, frame, true)));
    expect(codes).toEqual(Array(codes.length).fill(CloseCode.HandshakeRejected));
  });

  seeded("receiveFrame() gives every checked packet its documented answer across 10,000+ fuzzed frames and closes no socket", async (rng) => {
    const sockets = 4;
    const rounds = 36;
    const framesPerRound = 90;
    const wires = await Promise.all(Array.from({ length: sockets }, () => Wire.handshaken(scx.url)));
    const fuzzers = wires.map((_, i) => new Fuzzer(new Rng(subSeed(`socket ${i}`) ^ rng.int(2 ** 31))));
    const wrong: string[] = [];
    let checkedCount = 0;
    for (let round = 0; round < rounds; round++) {
      publishRound();
      await Promise.all(wires.map(async (wire, i) => {
        const expectations: Array<Expectation & { frame: string }> = [];
        let count = 0;
        while (count < framesPerRound) {
          const { frame, expect: expectHere } = fuzzers[i].frame();
          if (closeCodeWhenOpen(frame) !== null || touchesBystanders(frame)) continue;
          wire.send(frame);
          sent.fuzz++;
          count++;
          const shown = short("text" in frame ? frame.text : "<binary>");
          for (const expectation of expectHere) expectations.push({ ...expectation, frame: shown });
        }
        const barrier = 8_000_000 + round * sockets + i;
        wire.send({ text: JSON.stringify({ event: "echo", data: "barrier", cid: barrier }) });
        await wire.reply(barrier, 10_000);
        for (const expectation of expectations) {
          checkedCount++;
          const replies = wire.replies.get(String(expectation.cid)) ?? [];
          const problem = replies.length !== 1
            ? `${replies.length} replies`
            : replies[0].rid !== expectation.cid ? `rid ${replies[0].rid} is not the cid` : expectation.check(replies[0]);
          if (problem && wrong.length < 20) wrong.push(`socket ${i} round ${round} cid ${expectation.cid} (${expectation.what}): ${problem}; frame ${expectation.frame}`);
        }
      }));
    }
    expect(wrong).toEqual([]);
    expect(wires.map((wire) => wire.closedWith)).toEqual(Array(sockets).fill(null));
    const ids = new Set(wires.map((wire) => wire.id));
    expect(serverCloses.filter((close) => ids.has(close.id))).toEqual([]);
    expect(checkedCount).toBeGreaterThan(1000);
    expect(sent.fuzz).toBeGreaterThanOrEqual(10_000);
    console.log(`fuzz seed ${seed}: ${sent.fuzz} frames on ${sockets} sockets, ${checkedCount} answers checked`);
    for (const wire of wires) wire.close();
  });

  seeded("#publish reaches the bystanders (official clients) complete and in order, during and after the fuzz", async () => {
    for (let i = 0; i < 20; i++) publishRound();
    await within(Promise.all(pendingPublishes), 10_000, "the bystanders' invokePublish acks");
    const total = published.reduce((a, b) => a + b, 0);
    await within(Promise.all(bystanders.map((bystander) => bystander.waitFor(total))), 10_000, `${total} publications at each bystander`);
    for (const bystander of bystanders) {
      expect(bystander.received.length).toBe(total);
      for (let from = 0; from < bystanders.length; from++) {
        const seqs = bystander.received.filter((data) => data.from === from).map((data) => data.seq);
        expect(seqs).toEqual([...Array(published[from]).keys()]);
      }
    }
    // The raw bystander saw pings and its channel's publications, and nothing else.
    rawBystander.send({ text: JSON.stringify({ event: "echo", data: "barrier", cid: 3 }) });
    await rawBystander.reply(3, 5000);
    const stray = rawBystander.frames.filter((frame) => {
      if (frame === "") return false;
      const packet = JSON.parse(frame);
      if (packet.rid !== undefined) return false;
      return !(packet.event === "#publish" && packet.data?.channel === bystanderChannel);
    });
    expect(stray).toEqual([]);
    const publications = rawBystander.frames.filter((frame) => frame.startsWith("{\"event\":\"#publish\""));
    expect(publications.length).toBe(total);
  });

  seeded("the server still accepts a socket and completes its handshake after the fuzz (≥10,000 frames sent)", async () => {
    const wire = await Wire.handshaken(scx.url);
    wire.send({ text: JSON.stringify({ event: "echo", data: "still here", cid: 2 }) });
    expect((await wire.reply(2, 5000)).data).toBe("still here");
    wire.close();
    const client = scClient(scx.port);
    await within(client.listener("connect").once(), 5000, "a new official client to connect");
    expect(await client.invoke("echo", "hello")).toBe("hello");
    client.disconnect();
    expect(sent.fuzz + sent.fatal).toBeGreaterThanOrEqual(10_000);
  });
});

/**
 * Regressions for what fuzzing found: each packet below once threw out of the WebSocket
 * message handler (in a worker thread that kills the thread and every socket on it) or
 * reached sockets that never subscribed.
 */
describe("fuzz findings", () => {
  test("#subscribe to the empty channel name gets an answer instead of throwing out of the message handler", async () => {
    const scx = await startScx();
    try {
      const wire = await Wire.handshaken(scx.url);
      wire.send({ text: JSON.stringify({ event: "#subscribe", data: { channel: "" }, cid: 2 }) });
      wire.send({ text: JSON.stringify({ event: "#publish", data: { channel: "ok" }, cid: 3 }) });
      await wire.reply(3, 2000);
      expect(wire.replies.get("2")?.length).toBe(1);
      expect(wire.closedWith).toBeNull();
    } finally {
      await scx.stop();
    }
  });

  test("#publish to the ping topic's name reaches only that channel's subscribers", async () => {
    const scx = await startScx();
    try {
      const bystander = await Wire.handshaken(scx.url, true);
      bystander.send({ text: JSON.stringify({ event: "#subscribe", data: { channel: "after" }, cid: 2 }) });
      await bystander.reply(2, 2000);
      const wire = await Wire.handshaken(scx.url);
      wire.send({ text: JSON.stringify({ event: "#subscribe", data: { channel: pingTopic }, cid: 2 }) });
      wire.send({ text: JSON.stringify({ event: "#publish", data: { channel: pingTopic, data: "to everyone" }, cid: 3 }) });
      wire.send({ text: JSON.stringify({ event: "#publish", data: { channel: "after", data: "barrier" }, cid: 4 }) });
      // Publications are delivered in order, so once "barrier" is in, "to everyone" would be too.
      await bystander.frame((frame) => frame.includes("barrier"), 2000);
      expect(bystander.frames.filter((frame) => frame.includes("to everyone"))).toEqual([]);
    } finally {
      await scx.stop();
    }
  });

  test("#publish of data nested 40,000 deep (under the default maxPayload) gets an answer instead of throwing", async () => {
    const scx = await startScx();
    try {
      const wire = await Wire.handshaken(scx.url);
      const depth = 40_000;
      wire.send({ text: `{"event":"#publish","data":{"channel":"deep","data":${"[".repeat(depth)}${"]".repeat(depth)}},"cid":2}` });
      wire.send({ text: JSON.stringify({ event: "#subscribe", data: { channel: "after" }, cid: 3 }) });
      await wire.reply(3, 5000);
      expect(wire.replies.get("2")?.length).toBe(1);
    } finally {
      await scx.stop();
    }
  }, 10_000);

  test("invoke of echo with data nested 40,000 deep gets an error reply instead of an unhandled rejection", async () => {
    const scx = await startScx();
    scx.server.procedure("echo", (data) => data);
    try {
      const wire = await Wire.handshaken(scx.url);
      const depth = 40_000;
      wire.send({ text: `{"event":"echo","data":${"[".repeat(depth)}${"]".repeat(depth)},"cid":2}` });
      wire.send({ text: JSON.stringify({ event: "echo", data: "after", cid: 3 }) });
      expect((await wire.reply(3, 5000)).data).toBe("after");
      expect((await wire.reply(2, 5000)).error).toBeDefined();
    } finally {
      await scx.stop();
    }
  }, 15_000);

  test("a procedure's reply that cannot be encoded (a cycle) becomes an error reply instead of an unhandled rejection", async () => {
    const scx = await startScx();
    scx.server.procedure("cycle", () => {
      const value: Record<string, unknown> = {};
      value.self = value;
      return value;
    });
    try {
      const wire = await Wire.handshaken(scx.url);
      wire.send({ text: JSON.stringify({ event: "cycle", cid: 2 }) });
      expect((await wire.reply(2, 2000)).error).toBeDefined();
    } finally {
      await scx.stop();
    }
  });
});
