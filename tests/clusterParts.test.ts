/**
 * The cluster engines' parts alone, without a Redis: reply deadlines and the bounded
 * queue (Deadlines), drop reports (DropReport), the shard ring (HashRing), and kept
 * streams' gap reads and duplicates (KeptStreams). The engines themselves, against real
 * redis-server processes: tests/cluster.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { HashRing } from "../src/cluster/hashRing.ts";
import { KeptStreams } from "../src/cluster/KeptStreams.ts";
import { Deadlines } from "../src/cluster/Deadlines.ts";
import { DropReport } from "../src/cluster/DropReport.ts";
import type { Publication } from "../src/protocol/publication.ts";
import { createLogger } from "../src/log/logger.ts";

describe("Deadlines", () => {
  const error = () => Object.assign(new Error("Redis is unreachable"), { name: "BrokerError" });

  test("Deadlines.guard() past maxWaiting rejects at once, and answered commands leave the queue so the bound counts only what waits", async () => {
    const deadlines = new Deadlines(60_000, error, () => {}, 3);
    const answers: Array<(value: string) => void> = [];
    const pending = Array.from({ length: 3 }, () => deadlines.guard(new Promise<string>((resolve) => answers.push(resolve))));
    expect(deadlines.waiting).toBe(3);
    const refused = await deadlines.guard(new Promise<string>(() => {})).then(() => null, (e: Error) => e);
    expect(refused?.name).toBe("BrokerError");
    for (const answer of answers) answer("OK");
    expect(await Promise.all(pending)).toEqual(["OK", "OK", "OK"]);
    expect(deadlines.waiting).toBe(0);
    expect(await deadlines.guard(Promise.resolve("again"))).toBe("again");
    deadlines.clear();
  });

  test("Deadlines.guard() rejects a command whose reply is late and reports late, then not late once something answers", async () => {
    const changes: boolean[] = [];
    const deadlines = new Deadlines(50, error, (late) => changes.push(late));
    let answer: (value: string) => void = () => {};
    const late = await deadlines.guard(new Promise<string>((resolve) => { answer = resolve; })).then(() => null, (e: Error) => e);
    expect(late?.name).toBe("BrokerError");
    expect(deadlines.late).toBe(true);
    answer("finally");
    await Bun.sleep(0);
    expect(deadlines.late).toBe(false);
    expect(changes).toEqual([true, false]);
    deadlines.clear();
  });
});

describe("DropReport", () => {
  test("DropReport.count() logs a line after firstMs with the count, then one every everyMs while drops go on, none after", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: "warn", role: "test", id: 0, sink: (record) => lines.push(record) });
    const drops = new DropReport(log, "Dropped publications", () => ({ down: ["r1"] }), 30, 60);
    for (let i = 0; i < 5; i++) drops.count();
    expect(lines).toEqual([]);
    await Bun.sleep(50);
    expect(lines.map((l) => [l.msg, l.dropped, l.droppedTotal, l.down])).toEqual([["Dropped publications", 5, 5, ["r1"]]]);
    drops.count(3);
    await Bun.sleep(80);
    expect(lines.map((l) => [l.dropped, l.droppedTotal])).toEqual([[5, 5], [3, 8]]);
    await Bun.sleep(150);
    expect(lines.length).toBe(2);
    expect(drops.total).toBe(8);
    drops.close();
  });
});

describe("HashRing", () => {
  test("HashRing.shardFor() moves about 1/N of the channels when a shard is added", () => {
    const before = new HashRing(["r1", "r2", "r3"]);
    const after = new HashRing(["r1", "r2", "r3", "r4"]);
    const channels = Array.from({ length: 10000 }, (_, i) => `channel-${i}`);
    const moved = channels.filter((ch) => before.shardFor(ch) !== after.shardFor(ch));
    expect(moved.every((ch) => after.shardFor(ch) === "r4")).toBe(true);
    expect(moved.length / channels.length).toBeGreaterThan(0.15);
    expect(moved.length / channels.length).toBeLessThan(0.35);
  });
});

describe("KeptStreams", () => {
  const pub = (offset: number, epoch = "e1"): Publication => ({ ch: "c", json: String(offset), offset, epoch });

  test("KeptStreams.receive() reads a skipped range back, holds later publications meanwhile, and drops duplicates", async () => {
    const delivered: number[] = [];
    let answer: (pubs: Publication[]) => void = () => {};
    const reads: number[] = [];
    const streams = new KeptStreams((_, from) => {
      reads.push(from);
      return new Promise((resolve) => { answer = resolve; });
    }, (p) => delivered.push(p.offset!));
    streams.receive(pub(1));
    streams.receive(pub(2));
    streams.receive(pub(2));
    streams.receive(pub(5));
    streams.receive(pub(6));
    expect(delivered).toEqual([1, 2]);
    expect(reads).toEqual([3]);
    answer([pub(3), pub(4), pub(5), pub(6)]);
    await Bun.sleep(0);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
    streams.receive(pub(1, "e2"));
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 1]);
  });

  test("KeptStreams.resync() catches remembered channels up; a failed read delivers what was held", async () => {
    const delivered: number[] = [];
    let fail = false;
    const streams = new KeptStreams(async (_, from) => {
      if (fail) throw new Error("Redis is unreachable");
      return [pub(from), pub(from + 1)];
    }, (p) => delivered.push(p.offset!));
    streams.receive(pub(1));
    streams.resync(() => true);
    await Bun.sleep(0);
    expect(delivered).toEqual([1, 2, 3]);
    fail = true;
    streams.receive(pub(7));
    await Bun.sleep(0);
    expect(delivered).toEqual([1, 2, 3, 7]);
  });
});
