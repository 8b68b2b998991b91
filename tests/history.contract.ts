/**
 * The HistoryStore contract, run against every store (see src/history/HistoryStore.ts).
 * `setup` gives the store under test, `lose` makes it lose every channel's history (a
 * restarted memory store, a flushed Redis), and `outage`, for stores with a backend,
 * takes it down and hung and brings it back.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { HistoryStore, KeepOptions } from "../src/history/HistoryStore.ts";
import { ErrorName } from "../src/protocol/errorNames.ts";

export interface StoreUnderTest {
  store(): HistoryStore;
  lose(): Promise<void>;
  cleanup(): Promise<void>;
  outage?: {
    /** Longest a call may take to reject while the backend is unreachable (ms). */
    boundMs: number;
    stop(): Promise<void>;
    restart(): Promise<void>;
    pause(): void;
    resume(): void;
  };
}

const keep: KeepOptions = { size: 5, ttl: 600 };
let unique = 0;
const fresh = (name: string) => `${name}/${Date.now()}-${unique++}`;

export function historyContract(name: string, setup: () => Promise<StoreUnderTest>) {
  describe(`HistoryStore contract: ${name}`, () => {
    let sut: StoreUnderTest;
    const s = () => sut.store();
    beforeAll(async () => { sut = await setup(); });
    afterAll(() => sut.cleanup());

    test(`${name}: append() gives 1, 2, 3… in one non-empty epoch, in call order, and read() returns them with their data`, async () => {
      const ch = fresh("order");
      const positions = await Promise.all(Array.from({ length: 20 }, (_, i) => s().append(ch, `{"i":${i}}`, { size: 50, ttl: 600 })));
      expect(positions.map((p) => p.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const epoch = positions[0]!.epoch;
      expect(typeof epoch).toBe("string");
      expect(epoch.length).toBeGreaterThan(0);
      expect(positions.every((p) => p.epoch === epoch)).toBe(true);
      await s().append(ch, undefined, { size: 50, ttl: 600 });
      const { publications, position } = await s().read(ch, { limit: 3 }, { size: 50, ttl: 600 });
      expect(position).toEqual({ offset: 21, epoch });
      expect(publications).toEqual([
        { ch, json: '{"i":18}', offset: 19, epoch },
        { ch, json: '{"i":19}', offset: 20, epoch },
        { ch, json: undefined, offset: 21, epoch },
      ]);
    });

    test(`${name}: position() of a channel with no history is offset 0, and its first append keeps that epoch`, async () => {
      const ch = fresh("empty");
      const before = await s().position(ch, keep);
      expect(before.offset).toBe(0);
      expect(before.epoch.length).toBeGreaterThan(0);
      expect(await s().position(ch, keep)).toEqual(before);
      expect(await s().append(ch, '"first"', keep)).toEqual({ offset: 1, epoch: before.epoch });
      expect(await s().position(ch, keep)).toEqual({ offset: 1, epoch: before.epoch });
    });

    test(`${name}: at most keep.size publications are kept; read() without since gives the latest limit`, async () => {
      const ch = fresh("size");
      for (let i = 1; i <= 12; i++) await s().append(ch, String(i), keep);
      const all = await s().read(ch, {}, keep);
      expect(all.publications.map((p) => p.offset)).toEqual([8, 9, 10, 11, 12]);
      expect(all.complete).toBe(false);
      const two = await s().read(ch, { limit: 2 }, keep);
      expect(two.publications.map((p) => p.json)).toEqual(["11", "12"]);
      const capped = await s().read(ch, { limit: 1000 }, keep);
      expect(capped.publications.length).toBe(5);
      expect((await s().read(ch, { limit: 0 }, keep)).publications).toEqual([]);
    });

    test(`${name}: read() with since gives the first limit after it; complete says nothing between is missing`, async () => {
      const ch = fresh("since");
      let epoch = "";
      for (let i = 1; i <= 12; i++) epoch = (await s().append(ch, String(i), keep)).epoch;
      const kept = await s().read(ch, { since: { offset: 8, epoch }, limit: 3 }, keep);
      expect(kept.publications.map((p) => p.offset)).toEqual([9, 10, 11]);
      expect(kept.complete).toBe(true);
      expect(kept.position).toEqual({ offset: 12, epoch });
      const edge = await s().read(ch, { since: { offset: 7, epoch } }, keep);
      expect(edge.publications.map((p) => p.offset)).toEqual([8, 9, 10, 11, 12]);
      expect(edge.complete).toBe(true);
      const caughtUp = await s().read(ch, { since: { offset: 12, epoch } }, keep);
      expect(caughtUp).toEqual({ publications: [], position: { offset: 12, epoch }, complete: true });
      // Offsets 3..7 were trimmed: what is kept comes back, but not complete.
      const trimmed = await s().read(ch, { since: { offset: 2, epoch } }, keep);
      expect(trimmed.publications.map((p) => p.offset)).toEqual([8, 9, 10, 11, 12]);
      expect(trimmed.complete).toBe(false);
      const wrongEpoch = await s().read(ch, { since: { offset: 8, epoch: "not-" + epoch } }, keep);
      expect(wrongEpoch).toEqual({ publications: [], position: { offset: 12, epoch }, complete: false });
      const ahead = await s().read(ch, { since: { offset: 13, epoch } }, keep);
      expect(ahead.complete).toBe(false);
      expect(ahead.publications).toEqual([]);
    });

    test(`${name}: entries older than keep.ttl are never returned; a channel idle past ttl starts a new epoch`, async () => {
      const ch = fresh("ttl");
      const short = { size: 10, ttl: 0.8 };
      const first = await s().append(ch, '"old"', short);
      await Bun.sleep(500);
      await s().append(ch, '"young"', short);
      await Bun.sleep(450); // "old" is 0.95 s old, "young" 0.45 s
      const read = await s().read(ch, {}, short);
      expect(read.publications.map((p) => p.json)).toEqual(['"young"']);
      const since = await s().read(ch, { since: { offset: 0, epoch: first.epoch } }, short);
      expect(since.publications.map((p) => p.offset)).toEqual([2]);
      expect(since.complete).toBe(false);
      await Bun.sleep(900); // nothing appended for longer than the ttl: forgotten
      const after = await s().append(ch, '"new"', short);
      expect(after.offset).toBe(1);
      expect(after.epoch).not.toBe(first.epoch);
    });

    test(`${name}: a lost history gets a new epoch, offsets start again at 1, and old positions are not complete`, async () => {
      const ch = fresh("lost");
      const before = await s().append(ch, '"a"', keep);
      await s().append(ch, '"b"', keep);
      await sut.lose();
      const position = await s().position(ch, keep);
      expect(position.offset).toBe(0);
      expect(position.epoch).not.toBe(before.epoch);
      const after = await s().append(ch, '"c"', keep);
      expect(after).toEqual({ offset: 1, epoch: position.epoch });
      const read = await s().read(ch, { since: before }, keep);
      expect(read.complete).toBe(false);
      expect(read.publications).toEqual([]);
    });
  });
}

/** Outage tests, for stores with a backend that can be stopped or hung. */
export function historyOutageContract(name: string, setup: () => Promise<StoreUnderTest>) {
  describe(`HistoryStore contract (outage): ${name}`, () => {
    let sut: StoreUnderTest;
    beforeAll(async () => { sut = await setup(); });
    afterAll(() => sut.cleanup());

    async function expectAllReject(ch: string, boundMs: number) {
      const started = Date.now();
      const calls = [
        sut.store().append(ch, '"x"', keep),
        sut.store().read(ch, {}, keep),
        sut.store().position(ch, keep),
      ];
      for (const call of calls) {
        const error = await Promise.resolve(call).then(() => null, (e: Error) => e);
        expect(error?.name).toBe(ErrorName.Broker);
        expect(error?.message).toContain("Redis is unreachable");
      }
      expect(Date.now() - started).toBeLessThan(boundMs);
    }

    test(`${name}: with the backend down every call rejects with a BrokerError at once; after a restart calls work again`, async () => {
      const ch = fresh("down");
      await sut.store().append(ch, '"before"', keep);
      await sut.outage!.stop();
      await expectAllReject(ch, 1000);
      await sut.outage!.restart();
      const position = await eventually(() => sut.store().append(ch, '"after"', keep));
      expect(position.offset).toBeGreaterThan(0);
    });

    test(`${name}: with the backend hung (SIGSTOP) every call rejects with a BrokerError in bounded time; after SIGCONT calls work again`, async () => {
      const ch = fresh("hung");
      const first = await sut.store().append(ch, '"before"', keep);
      sut.outage!.pause();
      try {
        await expectAllReject(ch, sut.outage!.boundMs);
      } finally {
        sut.outage!.resume();
      }
      const later = await eventually(() => sut.store().append(ch, '"after"', keep));
      // The append sent while hung may have been applied once Redis resumed: offsets only grow.
      expect(later.epoch).toBe(first.epoch);
      expect(later.offset).toBeGreaterThan(first.offset);
    });
  });
}

/** Retry until the call succeeds (a reconnect in progress), for at most 10 s. */
async function eventually<T>(call: () => T | Promise<T>): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > until) throw error;
      await Bun.sleep(50);
    }
  }
}
