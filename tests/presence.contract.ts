/**
 * The PresenceStore contract (src/presence/PresenceStore.ts), run against every
 * implementation by tests/presence.test.ts: joins and leaves keyed by client, counters,
 * the list limit, events from stores that publish to hosts, and (where the store has a
 * backend) bounded failure when it is down or hung.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { PresenceEvent, PresenceStore } from "../src/presence/PresenceStore.ts";
import { ErrorName } from "../src/protocol/errorNames.ts";

export interface PresenceUnderTest {
  store(): PresenceStore;
  /** Make the store's events for `ch` arrive (Redis: subscribe the engine); null when it sends none. */
  watch(ch: string): Promise<PresenceEvent[]> | null;
  cleanup(): Promise<void>;
  outage?: { boundMs: number; stop(): Promise<void>; restart(): Promise<void>; pause(): void; resume(): void };
}

let uniq = 0;
const fresh = (name: string) => `pc/${name}/${Date.now()}-${++uniq}`;
const member = (client: string, user: string | null, info: Record<string, unknown> | null = null) => ({ client, user, info });

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("Timed out");
    await Bun.sleep(10);
  }
}

export function presenceContract(name: string, setup: () => Promise<PresenceUnderTest>) {
  describe(`PresenceStore contract: ${name}`, () => {
    let sut: PresenceUnderTest;
    beforeAll(async () => { sut = await setup(); });
    afterAll(() => sut.cleanup());

    test(`${name}: add is a join once per client; a repeated add is none and replaces the entry`, async () => {
      const ch = fresh("add");
      expect(await sut.store().add(ch, member("a", "ann"), false)).toBe(true);
      expect(await sut.store().add(ch, member("a", "ann", { name: "Ann" }), false)).toBe(false);
      expect(await sut.store().members(ch, 10)).toEqual([member("a", "ann", { name: "Ann" })]);
      expect(await sut.store().stats(ch)).toEqual({ clients: 1, users: 1 });
    });

    test(`${name}: stats counts connections and distinct non-null users; remove gives the member back once`, async () => {
      const ch = fresh("stats");
      for (const m of [member("a1", "ann"), member("a2", "ann"), member("b", "bob"), member("g", null)]) await sut.store().add(ch, m, false);
      expect(await sut.store().stats(ch)).toEqual({ clients: 4, users: 2 });
      expect(await sut.store().remove(ch, "a1")).toEqual(member("a1", "ann"));
      expect(await sut.store().remove(ch, "a1")).toBeNull();
      expect(await sut.store().stats(ch)).toEqual({ clients: 3, users: 2 });
      await sut.store().remove(ch, "a2");
      expect(await sut.store().stats(ch)).toEqual({ clients: 2, users: 1 });
      expect(await sut.store().remove(ch, "nobody")).toBeNull();
      expect(await sut.store().stats(fresh("empty"))).toEqual({ clients: 0, users: 0 });
    });

    test(`${name}: members answers null above the limit, the list at or below it`, async () => {
      const ch = fresh("limit");
      for (let i = 0; i < 5; i++) await sut.store().add(ch, member(`c${i}`, `u${i}`), false);
      expect(await sut.store().members(ch, 4)).toBeNull();
      const list = await sut.store().members(ch, 5);
      expect(list!.map((m) => m.client).sort()).toEqual(["c0", "c1", "c2", "c3", "c4"]);
      expect(await sut.store().members(fresh("none"), 5)).toEqual([]);
    });

    test(`${name}: a store that publishes to hosts sends one event per join and leave when announced, none otherwise`, async () => {
      const ch = fresh("events");
      const events = sut.watch(ch);
      if (!events) return expect(sut.store().publishesToHosts).toBe(false);
      const got = await events;
      await sut.store().add(ch, member("x", "ann"), true);
      await sut.store().add(ch, member("x", "ann"), true);
      await sut.store().add(ch, member("q", null), false);
      await sut.store().remove(ch, "x");
      await sut.store().remove(ch, "x");
      await sut.store().remove(ch, "q");
      await until(() => got.length >= 2);
      await Bun.sleep(100);
      expect(got).toEqual([{ ch, join: true, member: member("x", "ann") }, { ch, join: false, member: member("x", "ann") }]);
    });
  });
}

export function presenceOutageContract(name: string, setup: () => Promise<PresenceUnderTest>) {
  describe(`PresenceStore contract (outage): ${name}`, () => {
    let sut: PresenceUnderTest;
    beforeAll(async () => { sut = await setup(); });
    afterAll(() => sut.cleanup());

    async function expectAllReject(ch: string, boundMs: number) {
      const started = Date.now();
      const calls = [sut.store().add(ch, member("a", null), true), sut.store().remove(ch, "a"), sut.store().members(ch, 10), sut.store().stats(ch)];
      for (const call of calls) {
        const error = await Promise.resolve(call).then(() => null, (e: Error) => e);
        expect(error?.name).toBe(ErrorName.Broker);
      }
      expect(Date.now() - started).toBeLessThan(boundMs);
    }

    test(`${name}: with the backend down every call rejects with a BrokerError at once; after a restart calls work again`, async () => {
      const ch = fresh("down");
      await sut.outage!.stop();
      await expectAllReject(ch, 1000);
      await sut.outage!.restart();
      for (let i = 0; ; i++) {
        try {
          expect(await sut.store().add(ch, member("b", null), false)).toBe(true);
          break;
        } catch (error) {
          if (i > 100) throw error;
          await Bun.sleep(50);
        }
      }
    });

    test(`${name}: with the backend hung (SIGSTOP) every call rejects with a BrokerError in bounded time`, async () => {
      const ch = fresh("hung");
      sut.outage!.pause();
      try {
        await expectAllReject(ch, sut.outage!.boundMs);
      } finally {
        sut.outage!.resume();
      }
    });
  });
}
