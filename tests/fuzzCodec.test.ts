/**
 * Fuzz for the binary codecs (msgpack, sc-codec-min-bin): the fuzz test's frames (see
 * fuzz.test.ts), each packet re-encoded with the codec as a binary frame, must get the
 * same documented answers as in JSON and close no socket; random and mutated MessagePack
 * bytes are ignored (or, decoding to an #authenticate without cid, close 4008 as in JSON);
 * the server keeps serving. Deterministic by seed (FUZZ_SEED).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { namedError } from "../src/protocol/errorNames.ts";
import { CloseCode } from "../src/protocol/closeCodes.ts";
import type { Codec } from "../src/protocol/codec.ts";
import { msgpackCodec } from "../src/protocol/msgpackCodec.ts";
import { minBinCodec } from "../src/protocol/minBinCodec.ts";
import { type Expectation, type Frame, Fuzzer, sent, short } from "./helpers/fuzzFrames.ts";
import { Rng, maxPayload, seed, subSeed, within } from "./helpers/fuzzValues.ts";
import { closeCodeWhenOpen, decode, touchesBystanders } from "./helpers/fuzzOracle.ts";
import { Wire } from "./helpers/fuzzWire.ts";

/**
 * Strings as a UTF-8 text frame carries them: lone surrogates become U+FFFD (msgpackr's own
 * encoder would write them as invalid 3-byte sequences, which the server reads as three).
 */
function wellFormed(value: unknown): unknown {
  if (typeof value === "string") return value.toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) Object.defineProperty(out, key.toWellFormed(), { value: wellFormed(item), enumerable: true, writable: true, configurable: true });
  return out;
}

function hasLoneSurrogate(value: unknown): boolean {
  return JSON.stringify(value) !== JSON.stringify(wellFormed(value));
}

/** The frame as a binary-codec client would send it: a packet or batch as bytes; raw text stays text. */
function reencode(codec: Codec, frame: Frame): Frame {
  const value = decode(frame);
  return typeof value === "string" ? { text: value } : { bytes: codec.encode(wellFormed(value)) as Uint8Array };
}

/** sc-codec-min-bin replies always carry `error` (null when none), as the original's do; the oracle reads JSON's shape. */
const readAsJson = (codec: Codec): Codec => ({
  ...codec,
  decode(frame) {
    const value = codec.decode(frame) as Record<string, unknown> | null;
    if (value && typeof value === "object" && "rid" in value && value.error === null) delete value.error;
    return value;
  },
});

for (const [codec, rounds] of [[msgpackCodec, 28], [minBinCodec, 10]] as const) {
  describe(`fuzz, codec ${codec.name}`, () => {
    let scx: StartedScx;
    const serverCloses: Array<{ id: string; code: number }> = [];
    beforeAll(async () => {
      scx = await startScx({ codec: codec.name, maxPayload, handshakeTimeout: 5000 });
      scx.server.procedure("echo", (data) => data);
      scx.server.procedure("slowEcho", (data) => data);
      scx.server.procedure("boom", () => { throw namedError("BoomError", "Boom"); });
      scx.server.receiver("note", () => {});
      scx.server.middleware("inbound", (action) => {
        if (action.type === "invoke" && action.procedure === "slowEcho") return new Promise<void>((resolve) => setTimeout(resolve, 0));
      });
      scx.server.on("disconnection", (socket, code) => serverCloses.push({ id: socket.id, code }));
    });
    afterAll(async () => {
      await scx?.stop();
    });

    test(`receiveFrame() answers fuzzed ${codec.name} frames as it answers JSON ones and closes no socket`, async () => {
      const rng = new Rng(subSeed(`codec ${codec.name}`));
      const sockets = 4;
      const framesPerRound = 90;
      const wires = await Promise.all(Array.from({ length: sockets }, () => Wire.handshaken(scx.url, false, readAsJson(codec))));
      const fuzzers = wires.map((_, i) => new Fuzzer(new Rng(subSeed(`codec socket ${i}`) ^ rng.int(2 ** 31))));
      const wrong: string[] = [];
      let checked = 0;
      let frames = 0;
      for (let round = 0; round < rounds; round++) {
        await Promise.all(wires.map(async (wire, i) => {
          const expectations: Array<Expectation & { frame: string }> = [];
          for (let count = 0; count < framesPerRound;) {
            const { frame, expect: expectHere } = fuzzers[i]!.frame();
            if (closeCodeWhenOpen(frame) !== null || touchesBystanders(frame)) continue;
            // MessagePack strings are UTF-8: a lone surrogate cannot travel (JSON escapes it), so
            // such frames are left out here; the next test shows they arrive as U+FFFD.
            if (hasLoneSurrogate(decode(frame))) continue;
            const binary = reencode(codec, frame);
            if ("bytes" in binary && binary.bytes.length > maxPayload) continue;
            wire.send(binary);
            frames++;
            count++;
            for (const expectation of expectHere) expectations.push({ ...expectation, frame: short("text" in frame ? frame.text : "<binary>") });
          }
          const barrier = 8_000_000 + round * sockets + i;
          wire.send({ bytes: codec.encode({ event: "echo", data: "barrier", cid: barrier }) as Uint8Array });
          await wire.reply(barrier, 20_000);
          for (const expectation of expectations) {
            checked++;
            const replies = wire.replies.get(String(expectation.cid)) ?? [];
            const problem = replies.length !== 1 ? `${replies.length} replies` : expectation.check(replies[0]);
            if (problem && wrong.length < 20) wrong.push(`socket ${i} round ${round} cid ${expectation.cid} (${expectation.what}): ${problem}; frame ${expectation.frame}`);
          }
        }));
      }
      expect(wrong).toEqual([]);
      expect(wires.map((wire) => wire.closedWith)).toEqual(Array(sockets).fill(null));
      const ids = new Set(wires.map((wire) => wire.id));
      expect(serverCloses.filter((close) => ids.has(close.id))).toEqual([]);
      expect(checked).toBeGreaterThan(300);
      console.log(`fuzz seed ${seed}, ${codec.name}: ${frames} frames, ${checked} answers checked`);
      for (const wire of wires) wire.close();
    }, 120_000);

    test(`a lone surrogate in ${codec.name} data arrives as U+FFFD, the rest of the string intact`, async () => {
      const wire = await Wire.handshaken(scx.url, false, readAsJson(codec));
      wire.send({ bytes: codec.encode({ event: "echo", data: "a\ud800b", cid: 7 }) as Uint8Array });
      expect((await wire.reply(7, 5000)).data).toMatch(/^a\ufffd+b$/);
      wire.close();
    });

    test(`random and mutated ${codec.name} bytes are ignored (or close 4008 like JSON); the server keeps serving`, async () => {
      const rng = new Rng(subSeed(`codec bytes ${codec.name}`));
      const wire = await Wire.handshaken(scx.url, false, readAsJson(codec));
      const valid = codec.encode([{ event: "echo", data: { a: [1, "x"] }, cid: 5 }, { event: "#publish", data: { channel: "fz-a", data: 1 } }]) as Uint8Array;
      let current = wire;
      let cid = 100;
      for (let i = 0; i < 600; i++) {
        const bytes = rng.chance(0.5) ? rng.bytes(1 + rng.int(200)) : valid.slice(0, rng.int(valid.length)).map((b) => rng.chance(0.1) ? rng.int(256) : b);
        current.send({ bytes });
        sent.fuzz++;
        if (i % 50 !== 49) continue;
        current.send({ bytes: codec.encode({ event: "echo", data: "barrier", cid: ++cid }) as Uint8Array });
        const reply = await current.reply(cid, 10_000).catch(() => null);
        if (reply === null) {
          // Only a decoded #authenticate without a numeric cid may close a handshaken socket.
          expect((await within(current.closed, 5000, "the close")).code).toBe(CloseCode.HandshakeRejected);
          current = await Wire.handshaken(scx.url, false, readAsJson(codec));
        } else expect(reply.data).toBe("barrier");
      }
      current.close();
      const fresh = await Wire.handshaken(scx.url, false, readAsJson(codec));
      fresh.send({ bytes: codec.encode({ event: "echo", data: "still here", cid: 2 }) as Uint8Array });
      expect((await fresh.reply(2, 5000)).data).toBe("still here");
      fresh.close();
    }, 60_000);
  });
}
