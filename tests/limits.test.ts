/**
 * Rate limits: limits.inbound per connection and a namespace's publish rate, what the
 * offender gets (RateLimitError with retryAfter, drops, then close 4010), and that
 * everyone else on the same worker carries on.
 */
import { describe, expect, test } from "bun:test";
import { startScx } from "./helpers/startScx.ts";
import { handshaken } from "./helpers/rawSocket.ts";
import { limitCounters } from "../src/worker/limitCounters.ts";
import { CloseCode } from "../src/protocol/closeCodes.ts";
import { ErrorName } from "../src/protocol/errorNames.ts";
import { TokenBucket } from "../src/worker/TokenBucket.ts";
import { configSchema } from "../src/config/schema.ts";

describe("TokenBucket", () => {
  test("TokenBucket.take() allows burst at once, then rate per second, and retryAfter() says when", () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.retryAfter()).toBe(100);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.retryAfter()).toBe(50);
    expect(bucket.take(100)).toBe(true);
    // Never more than burst, however long it rested.
    const rested = new TokenBucket(10, 2, 0);
    expect([rested.take(60_000), rested.take(60_000), rested.take(60_000)]).toEqual([true, true, false]);
  });
});

describe("limits config", () => {
  test("configSchema gives limits off by default, outboundBuffer 1 MiB and slowConsumer disconnect", () => {
    const { limits } = configSchema.parse({});
    expect(limits).toEqual({ closeAfter: 10, outboundBuffer: 1048576, slowConsumer: "disconnect" });
    expect(() => configSchema.parse({ limits: { inbound: { rate: 0, burst: 1 } } })).toThrow();
    expect(configSchema.parse({ channels: [{ match: "a/*", publish: { rate: 1, burst: 2 } }] }).channels[0]!.publish).toEqual({ rate: 1, burst: 2 });
  });
});

describe("limits.inbound", () => {
  test("admitPacket answers invokes past the rate with RateLimitError and retryAfter, then closes a sustained flood with 4010, while a well-behaved client on the same worker keeps its round trips", async () => {
    const scx = await startScx({ limits: { inbound: { rate: 50, burst: 20 }, closeAfter: 1.5 } });
    scx.server.procedure("echo", (data) => data);
    try {
      const flooder = await handshaken(scx.url);
      const polite = await handshaken(scx.url);
      const before = limitCounters.rateLimited.inbound;
      for (let cid = 10; cid < 60; cid++) flooder.send({ event: "echo", data: cid, cid });
      const replies = [];
      for (let i = 0; i < 50; i++) replies.push(await flooder.nextPacket());
      const ok = replies.filter((r) => !r.error);
      const limited = replies.filter((r) => r.error);
      expect(ok.length).toBeGreaterThanOrEqual(20);
      expect(ok.length).toBeLessThan(30);
      expect(limited[0].error.name).toBe(ErrorName.RateLimit);
      expect(limited[0].error.retryAfter).toBeGreaterThan(0);
      expect(limited[0].error.retryAfter).toBeLessThanOrEqual(20);
      expect(limitCounters.rateLimited.inbound - before).toBe(limited.length);
      // Transmits past the rate are dropped silently (and counted).
      const counted = limitCounters.rateLimited.inbound;
      for (let i = 0; i < 10; i++) flooder.send({ event: "noop", data: i });
      await Bun.sleep(20);
      expect(limitCounters.rateLimited.inbound).toBeGreaterThan(counted);

      // Keep flooding; meanwhile the polite client makes round trips well under the rate.
      let flooding = true;
      let cid = 100;
      const flood = (async () => {
        while (flooding && flooder.ws.readyState === WebSocket.OPEN) {
          for (let i = 0; i < 20; i++) flooder.send({ event: "echo", data: 0, cid: cid++ });
          await Bun.sleep(5);
        }
      })();
      const rtts: number[] = [];
      for (let i = 0; i < 40; i++) {
        const start = performance.now();
        polite.send({ event: "echo", data: i, cid: 1000 + i });
        const reply = await polite.nextPacket(5000);
        expect(reply).toEqual({ rid: 1000 + i, data: i });
        rtts.push(performance.now() - start);
        await Bun.sleep(25);
      }
      const closed = await flooder.closed;
      flooding = false;
      await flood;
      expect(closed.code).toBe(CloseCode.RateLimited);
      expect(polite.ws.readyState).toBe(WebSocket.OPEN);
      polite.ws.close();
    } finally {
      await scx.stop();
    }
  }, 30_000);
});

describe("channels: publish rate", () => {
  test("admitPublish refuses #publish invokes past the burst with RateLimitError, drops transmitted ones (counted), and leaves other namespaces alone", async () => {
    const scx = await startScx({ channels: [{ match: "limited/*", publish: { rate: 2, burst: 3 } }] });
    try {
      const subscriber = await handshaken(scx.url);
      subscriber.send({ event: "#subscribe", data: { channel: "limited/a" }, cid: 2 });
      await subscriber.nextPacket();
      const publisher = await handshaken(scx.url);
      for (let cid = 10; cid < 15; cid++) publisher.send({ event: "#publish", data: { channel: "limited/a", data: cid }, cid });
      const replies = [];
      for (let i = 0; i < 5; i++) replies.push(await publisher.nextPacket());
      expect(replies.slice(0, 3)).toEqual([{ rid: 10 }, { rid: 11 }, { rid: 12 }]);
      expect(replies[3].error.name).toBe(ErrorName.RateLimit);
      expect(replies[3].error.retryAfter).toBeGreaterThan(0);
      expect(replies[3].error.retryAfter).toBeLessThanOrEqual(500);
      const before = limitCounters.rateLimited.publish;
      for (let i = 0; i < 5; i++) publisher.send({ event: "#publish", data: { channel: "limited/a", data: `t${i}` } });
      // Other channels are not limited.
      for (let i = 0; i < 10; i++) publisher.send({ event: "#publish", data: { channel: "free", data: i }, cid: 100 + i });
      for (let i = 0; i < 10; i++) expect(await publisher.nextPacket()).toEqual({ rid: 100 + i });
      expect(limitCounters.rateLimited.publish - before).toBe(5);
      const received = [];
      for (let i = 0; i < 3; i++) received.push((await subscriber.nextPacket()).data.data);
      expect(received).toEqual([10, 11, 12]);
      await expect(subscriber.nextPacket(300)).rejects.toThrow();
      publisher.ws.close();
      subscriber.ws.close();
    } finally {
      await scx.stop();
    }
  }, 20_000);
});
