/**
 * The fuzz test's packets and frames, malformed and valid, each with what the server must
 * answer to it (PROTOCOL.md §3-§4).
 */
import { maxNesting, valueNestsDeeperThan } from "../../src/protocol/nestingDepth.ts";
import { ErrorName } from "../../src/protocol/errorNames.ts";
import { Rng, objectKeys, reservedEvents, otherEvents, fuzzChannels, randomCid, nested, garbage } from "./fuzzValues.ts";

/** Frames sent by every fuzz test; the last one checks the total. */
export const sent = { fuzz: 0, fatal: 0 };

// ---------------------------------------------------------------------------------------
// Packets and frames

/** A packet whose every field may have the wrong type. */
export function wrongPacket(rng: Rng): Record<string, unknown> {
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

export function dataFor(rng: Rng, event: string): unknown {
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

export function jwtish(rng: Rng): string {
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
export function validPacket(rng: Rng): Record<string, unknown> {
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
export function brokenJson(rng: Rng): string {
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

export const oddFrames = ["", "#1", "#2", "null", "5", "-0", "1e999", "\"str\"", "true", "[]", "{}", "[null]", "[[]]", "[{}]", "[[{\"event\":\"echo\",\"cid\":1}]]", " \t\n{", "{\"event\"", "\"#1\"", "#3", "# 1", "\u0000", "\ufeff{}"] as const;

export type Frame = { text: string } | { bytes: Uint8Array };

export interface Expectation {
  cid: number;
  what: string;
  /** null when the reply is right, else what is wrong. */
  check(reply: any): string | null;
}

export interface Generated { frame: Frame; expect: Expectation[] }

export const expectsError = (name: string, message?: string | RegExp) => (reply: any): string | null => {
  const error = reply?.error;
  if (!error || error.name !== name) return `expected error ${name}, got ${short(reply)}`;
  if (typeof message === "string" && error.message !== message) return `expected message "${message}", got ${short(reply)}`;
  if (message instanceof RegExp && !message.test(error.message)) return `expected message ${message}, got ${short(reply)}`;
  return null;
};

export function short(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} chars)` : text;
}

/** Data malformed for #subscribe/#publish per PROTOCOL.md §4.1/§4.3: not an object with a string channel. */
export function malformedChannelData(rng: Rng): unknown {
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
export class Checked {
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
        // As socketcluster-server (ag-auth): no token is an invalid JWT, a non-string one an AuthTokenError.
        const absent = token === null || token === undefined || token === "";
        return make({ event: "#authenticate", data: token }, "#authenticate without a token string",
          absent ? expectsError(ErrorName.AuthTokenInvalid, "jwt must be provided")
            : expectsError(ErrorName.AuthToken, "Invalid token format - Token must be a string"));
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
export class Fuzzer {
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

export function text(value: string): Generated {
  return { frame: { text: value }, expect: [] };
}
