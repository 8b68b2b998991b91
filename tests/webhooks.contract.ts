/**
 * The WebhookStore contract (src/webhooks/WebhookStore.ts), run against every
 * implementation by tests/webhooks.store.test.ts: queue order per lane, leases, backoff,
 * stale tokens, the bounded queue, occupancy with the vacate debounce across hosts,
 * per-user member counts, and (where the store has a backend) bounded failure when it is down.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { WebhookStore } from "../src/webhooks/WebhookStore.ts";

export interface WebhookStoreUnderTest {
  store(): WebhookStore;
  cleanup(): Promise<void>;
  outage?: { boundMs: number; stop(): Promise<void>; restart(): Promise<void> };
}

let uniq = 0;
const fresh = (name: string) => `${name}-${Date.now()}-${++uniq}`;
const ev = (n: number) => JSON.stringify({ name: "subscribe", id: String(n) });

export function webhookStoreContract(name: string, setup: () => Promise<WebhookStoreUnderTest>) {
  describe(`WebhookStore contract: ${name}`, () => {
    let sut: WebhookStoreUnderTest;
    beforeAll(async () => { sut = await setup(); });
    afterAll(() => sut.cleanup());

    test(`${name}: claim() answers each lane's events in push order, at most max in all; ack() removes them`, async () => {
      const t = fresh("order");
      const store = sut.store();
      expect(await store.push(t, [{ lane: "a", events: [ev(1), ev(2)] }, { lane: "b", events: [ev(3)] }], 100)).toBe(0);
      expect(await store.push(t, [{ lane: "a", events: [ev(4)] }], 100)).toBe(0);
      expect(await store.queued(t)).toBe(4);
      const claims = await store.claim(t, Date.now(), 10, 10_000);
      const byLane = Object.fromEntries(claims.map((c) => [c.lane, c.events]));
      expect(byLane).toEqual({ a: [ev(1), ev(2), ev(4)], b: [ev(3)] });
      expect(claims.every((c) => c.attempts === 0 && c.since === 0)).toBe(true);
      for (const c of claims) await store.ack(t, c.lane, c.token, c.events.length);
      expect(await store.queued(t)).toBe(0);
      expect(await store.claim(t, Date.now(), 10, 10_000)).toEqual([]);
    });

    test(`${name}: claim() stops at max and leaves the rest of a lane for after its ack`, async () => {
      const t = fresh("max");
      const store = sut.store();
      await store.push(t, [{ lane: "a", events: [ev(1), ev(2), ev(3)] }], 100);
      const [first] = await store.claim(t, Date.now(), 2, 10_000);
      expect(first!.events).toEqual([ev(1), ev(2)]);
      // Leased: nobody else gets the lane's third event before the first two are acked.
      expect(await store.claim(t, Date.now(), 2, 10_000)).toEqual([]);
      await store.ack(t, "a", first!.token, 2);
      const [second] = await store.claim(t, Date.now(), 2, 10_000);
      expect(second!.events).toEqual([ev(3)]);
    });

    test(`${name}: a leased lane does not block another lane`, async () => {
      const t = fresh("lanes");
      const store = sut.store();
      await store.push(t, [{ lane: "a", events: [ev(1)] }], 100);
      const [a] = await store.claim(t, Date.now(), 10, 10_000);
      await store.push(t, [{ lane: "a", events: [ev(2)] }, { lane: "b", events: [ev(3)] }], 100);
      const claims = await store.claim(t, Date.now(), 10, 10_000);
      expect(claims.map((c) => [c.lane, c.events])).toEqual([["b", [ev(3)]]]);
      expect(a!.lane).toBe("a");
    });

    test(`${name}: retry() holds the lane until at, then claim() answers attempts and since`, async () => {
      const t = fresh("retry");
      const store = sut.store();
      await store.push(t, [{ lane: "a", events: [ev(1)] }], 100);
      const now = Date.now();
      const [c] = await store.claim(t, now, 10, 10_000);
      await store.retry(t, "a", c!.token, now + 5000, 1, now);
      expect(await store.claim(t, now + 4000, 10, 10_000)).toEqual([]);
      const [again] = await store.claim(t, now + 5000, 10, 10_000);
      expect(again).toMatchObject({ lane: "a", events: [ev(1)], attempts: 1, since: now });
    });

    test(`${name}: a lane that failed is claimed alone; fresh lanes go on together without it`, async () => {
      const t = fresh("alone");
      const store = sut.store();
      await store.push(t, [{ lane: "bad", events: [ev(1)] }, { lane: "b", events: [ev(2)] }, { lane: "c", events: [ev(3)] }], 100);
      const now = Date.now();
      for (const claim of await store.claim(t, now, 10, 10_000)) {
        if (claim.lane === "bad") await store.retry(t, "bad", claim.token, now, 1, now);
        else await store.ack(t, claim.lane, claim.token, 1);
      }
      await store.push(t, [{ lane: "d", events: [ev(4)] }, { lane: "e", events: [ev(5)] }], 100);
      const rounds: string[][] = [];
      for (let i = 0; i < 3; i++) {
        const claims = await store.claim(t, now + 1, 10, 10_000);
        if (claims.length === 0) break;
        rounds.push(claims.map((c) => c.lane).sort());
        for (const c of claims) await store.ack(t, c.lane, c.token, c.events.length);
      }
      expect(rounds.sort((a, b) => a.length - b.length)).toEqual([["bad"], ["d", "e"]]);
    });

    test(`${name}: a lease that runs out lets another holder claim; the old token's ack does nothing`, async () => {
      const t = fresh("lease");
      const store = sut.store();
      await store.push(t, [{ lane: "a", events: [ev(1), ev(2)] }], 100);
      const now = Date.now();
      const [dead] = await store.claim(t, now, 10, 1000);
      const [next] = await store.claim(t, now + 1001, 10, 1000);
      expect(next!.events).toEqual([ev(1), ev(2)]);
      await store.ack(t, "a", dead!.token, 2);
      expect(await store.queued(t)).toBe(2);
      await store.ack(t, "a", next!.token, 2);
      expect(await store.queued(t)).toBe(0);
    });

    test(`${name}: push() refuses past the limit and answers how many; drop() removes given-up events`, async () => {
      const t = fresh("limit");
      const store = sut.store();
      expect(await store.push(t, [{ lane: "a", events: [ev(1), ev(2)] }, { lane: "b", events: [ev(3), ev(4)] }], 3)).toBe(1);
      expect(await store.queued(t)).toBe(3);
      const claims = await store.claim(t, Date.now(), 10, 10_000);
      expect(claims.flatMap((c) => c.events).sort()).toEqual([ev(1), ev(2), ev(3)].sort());
      for (const c of claims) await store.drop(t, c.lane, c.token, c.events.length);
      expect(await store.queued(t)).toBe(0);
    });

    test(`${name}: occupy() is true once for the first host; vacate() gives a token only for the last`, async () => {
      const t = fresh("occ");
      const store = sut.store();
      expect(await store.occupy(t, "ch", "h1")).toBe(true);
      expect(await store.occupy(t, "ch", "h1")).toBe(false);
      expect(await store.occupy(t, "ch", "h2")).toBe(false);
      expect(await store.vacate(t, "ch", "h1", 100)).toBeNull();
      const token = await store.vacate(t, "ch", "h2", 100);
      expect(typeof token).toBe("string");
      expect(await store.vacated(t, "ch", token!)).toBe(true);
      expect(await store.vacated(t, "ch", token!)).toBe(false);
      expect(await store.occupy(t, "ch", "h1")).toBe(true);
    });

    test(`${name}: occupy() within the vacate delay is no new occupation, and the pending vacate is off`, async () => {
      const t = fresh("debounce");
      const store = sut.store();
      await store.occupy(t, "ch", "h1");
      const token = await store.vacate(t, "ch", "h1", 3000);
      expect(await store.occupy(t, "ch", "h2")).toBe(false);
      expect(await store.vacated(t, "ch", token!)).toBe(false);
      expect(await store.vacate(t, "ch", "h3", 3000)).toBeNull();
    });

    test(`${name}: beat() removes a host that stopped beating: its last channel is answered once as vacated`, async () => {
      const t = fresh("beat");
      const store = sut.store();
      const options = { ttlMs: 150, vacateDelayMs: 0, graceMs: 0 };
      await store.beat(t, "dead", options);
      expect(await store.occupy(t, "ch", "dead")).toBe(true);
      expect(await store.occupy(t, "shared", "dead")).toBe(true);
      await store.beat(t, "alive", { ...options, ttlMs: 60_000 });
      expect(await store.occupy(t, "shared", "alive")).toBe(false);
      await Bun.sleep(250);
      expect(await store.beat(t, "alive", { ...options, ttlMs: 60_000 })).toEqual({ vacated: ["ch"], left: [] });
      expect(await store.beat(t, "alive", { ...options, ttlMs: 60_000 })).toEqual({ vacated: [], left: [] });
      // The shared channel still has a live host; the vacated one is free for a new occupation.
      expect(await store.vacate(t, "shared", "dead", 0)).toBeNull();
      expect(await store.occupy(t, "ch", "alive")).toBe(true);
    });

    test(`${name}: beat() answers a pending vacate nobody confirmed once it is graceMs past due, and vacated() then is false`, async () => {
      const t = fresh("orphan");
      const store = sut.store();
      await store.occupy(t, "ch", "h1");
      const token = await store.vacate(t, "ch", "h1", 50);
      const options = { ttlMs: 60_000, vacateDelayMs: 50, graceMs: 50 };
      expect((await store.beat(t, "h2", options)).vacated).toEqual([]);
      await Bun.sleep(150);
      expect((await store.beat(t, "h2", options)).vacated).toEqual(["ch"]);
      expect(await store.vacated(t, "ch", token!)).toBe(false);
      expect((await store.beat(t, "h2", options)).vacated).toEqual([]);
    });

    test(`${name}: userJoin() and userLeave() are true for a user's first and last connection only, across hosts`, async () => {
      const t = fresh("users");
      const store = sut.store();
      expect(await store.userJoin(t, "ch", "ann", "h1")).toBe(true);
      expect(await store.userJoin(t, "ch", "ann", "h2")).toBe(false);
      expect(await store.userJoin(t, "ch", "bob", "h1")).toBe(true);
      expect(await store.userJoin(t, "other", "ann", "h1")).toBe(true);
      expect(await store.userLeave(t, "ch", "ann", "h1")).toBe(false);
      expect(await store.userLeave(t, "ch", "ann", "h1")).toBe(false); // h1 holds no more of ann's
      expect(await store.userLeave(t, "ch", "ann", "h2")).toBe(true);
      expect(await store.userJoin(t, "ch", "ann", "h2")).toBe(true);
    });

    test(`${name}: beat() takes a dead host's connections off the member counts and answers the users it held last`, async () => {
      const t = fresh("members");
      const store = sut.store();
      const options = { ttlMs: 150, vacateDelayMs: 0, graceMs: 0 };
      await store.beat(t, "dead", options);
      await store.userJoin(t, "room", "ann", "dead");
      await store.userJoin(t, "room", "ann", "dead");
      await store.userJoin(t, "room", "bob", "dead");
      await store.beat(t, "alive", { ...options, ttlMs: 60_000 });
      await store.userJoin(t, "room", "bob", "alive");
      await Bun.sleep(250);
      expect(await store.beat(t, "alive", { ...options, ttlMs: 60_000 })).toEqual({ vacated: [], left: [{ ch: "room", user: "ann" }] });
      expect(await store.userLeave(t, "room", "bob", "alive")).toBe(true);
      expect(await store.userJoin(t, "room", "ann", "alive")).toBe(true);
    });

    test(`${name}: every method rejects within a bounded time while the backend is down`, async () => {
      if (!sut.outage) return;
      const store = sut.store();
      await sut.outage.stop();
      try {
        for (const call of [() => store.push(fresh("down"), [{ lane: "a", events: [ev(1)] }], 10), () => store.claim("x", Date.now(), 10, 1000), () => store.occupy("x", "ch", "h1")]) {
          const started = Date.now();
          await expect(Promise.resolve(call())).rejects.toThrow();
          expect(Date.now() - started).toBeLessThan(sut.outage.boundMs);
        }
      } finally {
        await sut.outage.restart();
      }
    }, 20_000);
  });
}
