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
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { scClient } from "./helpers/scClient.ts";
import { CloseCode } from "../src/protocol/closeCodes.ts";
import { namedError } from "../src/protocol/errorNames.ts";
import { Expectation, Frame, Fuzzer, dataFor, jwtish, oddFrames, sent, short, text, validPacket, wrongPacket } from "./helpers/fuzzFrames.ts";
import { Rng, bystanderChannel, garbage, maxPayload, seed, subSeed, within } from "./helpers/fuzzValues.ts";
import { closeCodeBeforeHandshake, closeCodeWhenOpen, touchesBystanders } from "./helpers/fuzzOracle.ts";
import { type Bystander, closeCodeFor, startBystander, Wire } from "./helpers/fuzzWire.ts";

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
