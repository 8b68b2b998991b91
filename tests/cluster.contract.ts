/**
 * The ClusterEngine contract, run against every engine: one test per rule the interface
 * states (src/cluster/ClusterEngine.ts). `makeHosts` returns two engines that stand for
 * two hosts; engines with a backend that can fail also give an `outage` (stop and
 * restart it, or hang it with SIGSTOP and continue it), and the outage rules run too.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ClusterEngine } from "../src/cluster/ClusterEngine.ts";
import type { Publication } from "../src/protocol/publication.ts";

export function inbox(engine: ClusterEngine) {
  const got: Publication[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  engine.onPublication((pub) => {
    got.push(pub);
    for (const w of waiters) if (got.length >= w.count) w.resolve();
  });
  return {
    got,
    until: (count: number) => got.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    clear: () => { got.length = 0; waiters.length = 0; },
  };
}

/** A backend the suite can take down (stop/restart) or hang (pause/resume). */
export interface EngineOutage {
  stop(): Promise<void>;
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Longest an engine may take to notice (ms). */
  boundMs: number;
  /**
   * Whether the engine has noticed the outage everywhere it reaches (every Redis shard):
   * `state()` turns "down" with the first, and publications on another shard's channels
   * still go out (to be applied when it resumes) until that shard notices too.
   */
  noticedEverywhere(engine: ClusterEngine): boolean;
}

export interface EngineHosts {
  a: ClusterEngine;
  b: ClusterEngine;
  cleanup(): Promise<void>;
  outage?: EngineOutage;
}

async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

/** `withOutage`: the engine has a backend the suite can stop and hang (makeHosts gives `outage`). */
export function engineContract(name: string, makeHosts: () => Promise<EngineHosts>, withOutage = false) {
  // An engine with no backend to fail (memory) does not get the outage rules at all: they
  // are not registered, rather than skipped (the suite must not skip; CI counts skips).
  const outageTest = withOutage ? test : (() => {}) as unknown as typeof test;
  describe(`ClusterEngine contract: ${name}`, () => {
    let hosts: EngineHosts;
    let a: ClusterEngine;
    let b: ClusterEngine;
    let inboxA: ReturnType<typeof inbox>;
    let inboxB: ReturnType<typeof inbox>;
    beforeAll(async () => {
      hosts = await makeHosts();
      ({ a, b } = hosts);
      inboxA = inbox(a);
      inboxB = inbox(b);
    });
    afterAll(() => hosts.cleanup());

    /** Publish a marker from a until b has it: proof that a's path to b works now. */
    async function roundTrip(channel: string, tag: string): Promise<void> {
      const seen = () => inboxB.got.some((pub) => pub.ch === channel && pub.json === JSON.stringify(tag));
      const deadline = Date.now() + 20_000;
      while (!seen()) {
        if (Date.now() > deadline) throw new Error(`No round trip on ${channel}`);
        a.publish({ ch: channel, json: JSON.stringify(tag) });
        await Bun.sleep(50);
      }
    }

    test(`${name}: publish() reaches the other host in order once subscribe() has resolved, never its own`, async () => {
      await Promise.all([a.subscribe("c1"), b.subscribe("c1")]);
      for (let i = 0; i < 50; i++) a.publish({ ch: "c1", json: `"m${i}"` });
      b.publish({ ch: "c1", json: undefined });
      await inboxB.until(50);
      await inboxA.until(1);
      expect(inboxB.got).toEqual(Array.from({ length: 50 }, (_, i) => ({ ch: "c1", json: `"m${i}"` })));
      expect(inboxA.got).toEqual([{ ch: "c1", json: undefined }]);
    });

    test(`${name}: subscribe() twice resolves both times; unsubscribe() stops deliveries; channels are kept apart`, async () => {
      inboxA.clear();
      inboxB.clear();
      await Promise.all([b.subscribe("c2"), b.subscribe("c2")]);
      b.unsubscribe("c1");
      await Promise.all([a.settle(), b.settle()]);
      a.publish({ ch: "c1", json: '"nobody"' });
      a.publish({ ch: "c2", json: '{"only":"c2"}' });
      await inboxB.until(1);
      expect(inboxB.got).toEqual([{ ch: "c2", json: '{"only":"c2"}' }]);
    });

    test(`${name}: subscribe() is idempotent (one delivery per publication) and so is unsubscribe() (once stops it, again is harmless)`, async () => {
      inboxB.clear();
      await b.subscribe("idem");
      await b.subscribe("idem");
      a.publish({ ch: "idem", json: '"one"' });
      a.publish({ ch: "c2", json: '"marker"' });
      await inboxB.until(2);
      await Bun.sleep(50);
      // Exactly these two, each once; order holds within a channel only (the two channels
      // may live on different Redis shards), so it is not compared across them.
      expect(inboxB.got).toHaveLength(2);
      expect(inboxB.got).toEqual(expect.arrayContaining([{ ch: "idem", json: '"one"' }, { ch: "c2", json: '"marker"' }]));
      inboxB.clear();
      b.unsubscribe("idem");
      b.unsubscribe("idem");
      b.unsubscribe("never-subscribed");
      await b.settle();
      a.publish({ ch: "idem", json: '"gone"' });
      a.publish({ ch: "c2", json: '"marker"' });
      await inboxB.until(1);
      expect(inboxB.got).toEqual([{ ch: "c2", json: '"marker"' }]);
    });

    test(`${name}: settle() resolves once every subscribe() and unsubscribe() so far has taken effect`, async () => {
      inboxB.clear();
      void b.subscribe("settled");
      await b.settle();
      a.publish({ ch: "settled", json: '"after settle"' });
      await inboxB.until(1);
      expect(inboxB.got).toEqual([{ ch: "settled", json: '"after settle"' }]);
    });

    test(`${name}: state() is ready when connected`, () => {
      expect(a.state()).toBe("ready");
      expect(b.state()).toBe("ready");
    });

    outageTest(`${name}: while the backend is down, state() says so and publish() drops (nothing is buffered); on recovery subscribed channels are subscribed again`, async () => {
      const outage = hosts.outage!;
      await b.subscribe("down/x");
      await roundTrip("down/x", "before");
      inboxB.clear();
      await outage.stop();
      await until(() => a.state() === "down" && b.state() === "down", "state() down", outage.boundMs);
      for (let i = 0; i < 1000; i++) a.publish({ ch: "down/x", json: `"while down ${i}"` });
      await outage.restart();
      await until(() => a.state() === "ready" && b.state() === "ready", "state() ready again", 20_000);
      // b never subscribed again by hand: the engine did it on recovery.
      await roundTrip("down/x", "after");
      expect(inboxB.got.filter((pub) => pub.json?.startsWith('"while down'))).toEqual([]);
    }, 60_000);

    outageTest(`${name}: a hung backend (SIGSTOP, sockets open) counts as down within the bound, publish() then drops at once, a subscribe() it never answered rejects with BrokerError yet holds, and after SIGCONT delivery resumes`, async () => {
      const outage = hosts.outage!;
      await b.subscribe("hung/x");
      await roundTrip("hung/x", "before");
      outage.pause();
      // Sent before the engine knows: no reply comes, so it rejects with a BrokerError in bounded time.
      const lateSubscribe = Promise.resolve(b.subscribe("hung/late")).then(() => null, (error: Error) => error);
      try {
        const pausedAt = Date.now();
        await until(() => a.state() === "down" && outage.noticedEverywhere(a), "state() down while hung, on every shard", outage.boundMs);
        expect(Date.now() - pausedAt).toBeLessThanOrEqual(outage.boundMs);
        expect((await lateSubscribe)?.name).toBe("BrokerError");
        inboxB.clear();
        for (let i = 0; i < 1000; i++) a.publish({ ch: "hung/x", json: `"while hung ${i}"` });
      } finally {
        outage.resume();
      }
      await until(() => a.state() === "ready" && b.state() === "ready", "state() ready after SIGCONT", 20_000);
      await roundTrip("hung/x", "after");
      // Published once the engine knew it was hung: dropped, not sent late.
      expect(inboxB.got.filter((pub) => pub.json?.startsWith('"while hung'))).toEqual([]);
      // The subscribe that timed out still holds: the engine stayed subscribed.
      await roundTrip("hung/late", "subscribed after all");
    }, 60_000);
  });
}
