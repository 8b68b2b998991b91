/**
 * The ClusterEngine contract, run against every engine (see src/cluster/ClusterEngine.ts).
 * `makeHosts` returns two engines that stand for two hosts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ClusterEngine } from "../src/cluster/ClusterEngine.ts";

function inbox(engine: ClusterEngine) {
  const got: Array<[string, string]> = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  engine.onPublication((channel, frame) => {
    got.push([channel, frame]);
    for (const w of waiters) if (got.length >= w.count) w.resolve();
  });
  return {
    got,
    until: (count: number) => got.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}

export function engineContract(name: string, makeHosts: () => Promise<[ClusterEngine, ClusterEngine, () => Promise<void>]>) {
  describe(`ClusterEngine contract: ${name}`, () => {
    let a: ClusterEngine;
    let b: ClusterEngine;
    let cleanup: () => Promise<void>;
    let inboxA: ReturnType<typeof inbox>;
    let inboxB: ReturnType<typeof inbox>;
    beforeAll(async () => {
      [a, b, cleanup] = await makeHosts();
      inboxA = inbox(a);
      inboxB = inbox(b);
    });
    afterAll(() => cleanup());

    test(`${name}: publish() reaches the other host in order, never its own`, async () => {
      a.subscribe("c1");
      b.subscribe("c1");
      await settle(a, b);
      for (let i = 0; i < 50; i++) a.publish("c1", `m${i}`);
      b.publish("c1", "from-b");
      await inboxB.until(50);
      await inboxA.until(1);
      expect(inboxB.got.map(([, f]) => f)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
      expect(inboxA.got).toEqual([["c1", "from-b"]]);
    });

    test(`${name}: unsubscribe() stops deliveries; channels are kept apart`, async () => {
      inboxA.got.length = 0;
      inboxB.got.length = 0;
      b.subscribe("c2");
      b.unsubscribe("c1");
      await settle(a, b);
      a.publish("c1", "nobody");
      a.publish("c2", "only-c2");
      await inboxB.until(1);
      expect(inboxB.got).toEqual([["c2", "only-c2"]]);
    });

    test(`${name}: state() is ready when connected`, () => {
      expect(a.state()).toBe("ready");
      expect(b.state()).toBe("ready");
    });
  });
}

/** A subscribe is asynchronous on a real engine: a round trip through each makes it effective. */
async function settle(...engines: ClusterEngine[]): Promise<void> {
  for (const engine of engines) await (engine as { settle?: () => Promise<void> }).settle?.();
}
