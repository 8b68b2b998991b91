/**
 * The ClusterEngine contract, run against every engine (see src/cluster/ClusterEngine.ts).
 * `makeHosts` returns two engines that stand for two hosts.
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
      inboxA.got.length = 0;
      inboxB.got.length = 0;
      await Promise.all([b.subscribe("c2"), b.subscribe("c2")]);
      b.unsubscribe("c1");
      await settle(a, b);
      a.publish({ ch: "c1", json: '"nobody"' });
      a.publish({ ch: "c2", json: '{"only":"c2"}' });
      await inboxB.until(1);
      expect(inboxB.got).toEqual([{ ch: "c2", json: '{"only":"c2"}' }]);
    });

    test(`${name}: state() is ready when connected`, () => {
      expect(a.state()).toBe("ready");
      expect(b.state()).toBe("ready");
    });
  });
}

/** An unsubscribe is asynchronous on a real engine: a round trip through each makes it effective. */
async function settle(...engines: ClusterEngine[]): Promise<void> {
  for (const engine of engines) await (engine as { settle?: () => Promise<void> }).settle?.();
}
