/**
 * Soak: the fuzz test's frames (tests/helpers/fuzz*.ts) for the whole duration on 4 raw
 * sockets against worker threads, each round ended by an echo barrier and every checked
 * packet's answer compared; official-client bystanders publish to each other meanwhile
 * and must get every publication once, in order.
 */
import { Fuzzer, sent } from "../../tests/helpers/fuzzFrames.ts";
import { bystanderChannel, maxPayload, Rng, seed, subSeed, within } from "../../tests/helpers/fuzzValues.ts";
import { closeCodeWhenOpen, touchesBystanders } from "../../tests/helpers/fuzzOracle.ts";
import { type Bystander, startBystander, Wire } from "../../tests/helpers/fuzzWire.ts";
import { sequenceFaults, startSoakServer } from "./processes.ts";
import type { SoakCounts } from "./counts.ts";

export async function fuzzSoak(seconds: number): Promise<SoakCounts> {
  const server = await startSoakServer({ maxPayload, handshakeTimeout: 5000 });
  const bystanders: Bystander[] = [];
  for (let i = 0; i < 3; i++) bystanders.push(await startBystander(server.port));
  const published = bystanders.map(() => 0);
  const acks: Promise<unknown>[] = [];
  const rssBefore = await server.rss();
  const sockets = 4;
  const wires = await Promise.all(Array.from({ length: sockets }, () => Wire.handshaken(server.url)));
  const rng = new Rng(subSeed("soak"));
  const fuzzers = wires.map((_, i) => new Fuzzer(new Rng(subSeed(`soak socket ${i}`) ^ rng.int(2 ** 31))));
  let checked = 0;
  let wrong = 0;
  const wrongKinds = new Set<string>();
  let closed = 0;
  let rounds = 0;
  const firstSent = sent.fuzz;
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    bystanders.forEach((bystander, from) => {
      const data = { from, seq: published[from]++ };
      if (data.seq % 2 === 0) acks.push(bystander.client.invokePublish(bystanderChannel, data));
      else bystander.client.transmitPublish(bystanderChannel, data);
    });
    await Promise.all(wires.map(async (wire, i) => {
      const expectations = [];
      for (let count = 0; count < 90;) {
        const { frame, expect } = fuzzers[i]!.frame();
        if (closeCodeWhenOpen(frame) !== null || touchesBystanders(frame)) continue;
        wire.send(frame);
        sent.fuzz++;
        count++;
        expectations.push(...expect);
      }
      const barrier = 8_000_000 + (rounds % 100_000) * sockets + i;
      try {
        wire.send({ text: JSON.stringify({ event: "echo", data: "barrier", cid: barrier }) });
        await wire.reply(barrier, 15_000);
      } catch {
        // A socket the server closed (or that stalled): counted, and replaced.
        closed++;
        wire.close();
        wires[i] = await Wire.handshaken(server.url);
        return;
      }
      for (const expectation of expectations) {
        checked++;
        const replies = wire.replies.get(String(expectation.cid)) ?? [];
        const problem = replies.length !== 1 ? `${replies.length} replies` : replies[0].rid !== expectation.cid ? "rid is not the cid" : expectation.check(replies[0]);
        if (problem === null) continue;
        wrong++;
        if (wrongKinds.size < 3) wrongKinds.add(expectation.what);
        if (wrong <= 5 && process.env.SOAK_VERBOSE) console.error(`fuzz: cid ${expectation.cid} (${expectation.what}): ${problem}`);
      }
      wire.replies.clear();
    }));
    rounds++;
  }
  const elapsed = (Date.now() - started) / 1000;
  await within(Promise.allSettled(acks), 15_000, "the bystanders' acks");
  const total = published.reduce((a, b) => a + b, 0);
  await Promise.race([Promise.all(bystanders.map((bystander) => bystander.waitFor(total))), Bun.sleep(10_000)]);
  const faults = bystanders.map((bystander) => sequenceFaults(bystander.received, published));
  const rssAfter = await server.rss();
  const crashes = server.deaths();
  for (const wire of wires) wire.close();
  for (const bystander of bystanders) bystander.client.disconnect();
  await server.stop();
  return {
    scenario: "fuzz", seconds: elapsed, frames: sent.fuzz - firstSent, crashes,
    lost: sum(faults.map((f) => f.lost)), duplicated: sum(faults.map((f) => f.duplicated)), reordered: sum(faults.map((f) => f.reordered)),
    rssBeforeMb: rssBefore, rssAfterMb: rssAfter,
    details: { seed, rounds, "answers checked": checked, "answers wrong": wrong, ...(wrongKinds.size ? { "wrong for": [...wrongKinds].join("; ") } : {}), "fuzz sockets closed": closed, "bystander publications": total },
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
