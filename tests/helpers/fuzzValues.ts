/**
 * The fuzz test's raw material: a seeded PRNG, odd numbers and strings, garbage values.
 * FUZZ_SEED=<n> replays a run.
 */

export const seed = (Number(process.env.FUZZ_SEED ?? 0x5c5eed) >>> 0) || 1;
export const maxPayload = 64 * 1024;
export const bystanderChannel = "bystanders";
/** Once scx's internal ping topic; NUL names stay reserved (topicOf in src/worker/SocketWorker.ts). */
export const pingTopic = "\u0000scx:ping";

// ---------------------------------------------------------------------------------------
// Seeded randomness

export class Rng {
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

export function subSeed(name: string): number {
  let h = seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0 || 1;
}


export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms); }),
  ]);
}

// ---------------------------------------------------------------------------------------
// Garbage values

export const oddNumbers = [0, -0, 1, -1, 0.5, -1.5, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e21, 123456.789] as const;
export const oddStrings = ["", " ", "0", "1", "NaN", "Infinity", "-0", "1e308", "null", "true", "undefined", "[object Object]", "#1", "#2", "#handshake", "#publish", "__proto__", "constructor", "toString", "\u0000", "\ud800", "\udfff", "\u2028", "\ufeff", "\"", "\\", "%s%n", "../../etc/passwd"] as const;
export const objectKeys = ["event", "data", "cid", "rid", "error", "channel", "authToken", "waitForAuth", "message", "name", "__proto__", "constructor", "prototype", "", "\u0000", "x"] as const;
export const reservedEvents = ["#handshake", "#subscribe", "#unsubscribe", "#publish", "#authenticate", "#removeAuthToken"] as const;
export const otherEvents = ["#kickOut", "#setAuthToken", "#disconnect", "#", "#1", "#2", "echo", "slowEcho", "boom", "nope", "", " ", "__proto__", "constructor", "hasOwnProperty", "\u0000", "\ud800"] as const;
/** Channels fuzz packets may really subscribe and publish to (never the bystanders'). */
export const fuzzChannels = ["fz-a", "fz-b", "fz-c", "fz-\u00e9\u{1f600}", `fz-${"x".repeat(400)}`, "", " ", "0", "#publish", "__proto__", "\ud800", "\u0000", pingTopic] as const;

/** Every cid a random packet may carry; none falls in the ranges of checked cids below. */
export function randomCid(rng: Rng): unknown {
  switch (rng.int(4)) {
    case 0: return rng.pick(oddNumbers);
    case 1: return rng.int(1000);
    case 2: return rng.pick(["1", "NaN", "Infinity", "-1", "1e308", "", "0x10"]);
    default: return rng.pick([null, true, false, [], {}, [1], { cid: 1 }]);
  }
}

export function nested(depth: number, inner: unknown, asObject: boolean): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
}

export function longString(rng: Rng): string {
  const n = rng.pick([1000, 4096, 20_000, 50_000]);
  return rng.chance(0.5) ? "x".repeat(n) : rng.text(40).repeat(Math.ceil(n / 80)).slice(0, n);
}

export function garbage(rng: Rng, depth = 0): unknown {
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
