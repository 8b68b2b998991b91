/**
 * Slow consumers (limits.outboundBuffer, limits.slowConsumer): raw TCP clients that
 * subscribe then stop reading, while a publisher floods their channel, on Bun and Deno
 * (`scx serve` as its own process, so its RSS is its own).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { type StalledClient, subscribedStalledClient } from "./helpers/stalledClient.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";
import { startScx } from "./helpers/startScx.ts";
import { limitCounters } from "../src/worker/limitCounters.ts";
import { CloseCode } from "../src/protocol/closeCodes.ts";
import { closeWaitMs, SlowConsumers } from "../src/worker/slowConsumers.ts";

const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;
const running: CliProcess[] = [];
afterAll(() => { for (const proc of running) proc.kill(); });

const outboundBuffer = 1024 * 1024;
/**
 * RSS the server may grow by besides the slow consumers' buffers: the same flood to the
 * fast subscribers alone grows it by about 20–50 MiB on Bun and 90–260 MiB on Deno (which
 * copies every frame per socket into its own buffers and frees them when its GC runs, so
 * the figure grows with how much was flooded before the stalled sockets were found), measured
 * with no slow consumer; the paced flood below keeps that volume steady. Without the limit
 * the 50 stalled sockets alone would hold 50 × 16 MiB = 800 MiB on top, far above either bound.
 */
const slackBytes = { bun: 96 * 1024 * 1024, deno: 320 * 1024 * 1024 };
const slowCount = 50;
const fastCount = 100;
const publications = 2000;
const payload = "x".repeat(4000);

function configFile(): string {
  const dir = mkdtempSync(`${tmpdir()}/scx-slow-`);
  writeFileSync(`${dir}/scx.yaml`, "host: 127.0.0.1\nport: 0\nworkers: 1\nlogLevel: info\nlogFormat: json\n");
  return `${dir}/scx.yaml`;
}

function rss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

function slowCloseLines(proc: CliProcess): number {
  return proc.output().split("\n").filter((line) => line.includes('"Socket closed: slow consumer"')).length;
}

for (const runtime of ["bun", "deno"] as const) {
  describe(`slow consumers on ${runtime}`, () => {
    test(`SlowConsumers closes ${slowCount} stalled subscribers with 4011, bounds RSS, and ${fastCount} fast ones get ≥ 99%`, async () => {
      const command = runtime === "bun" ? ["bun", cli, "serve", configFile()] : [deno, "run", "-A", cli, "serve", configFile()];
      const proc = await startCli(command);
      running.push(proc);
      const url = `ws://127.0.0.1:${proc.port}/socketcluster/`;
      const fast: Array<RawSocket & { count: number }> = [];
      for (let i = 0; i < fastCount; i++) {
        const socket = Object.assign(await handshaken(url), { count: 0 });
        socket.send({ event: "#subscribe", data: { channel: "flood" }, cid: 2 });
        await socket.nextPacket(20_000);
        socket.ws.onmessage = (event) => { if (String(event.data).startsWith('{"event":"#publish"')) socket.count++; };
        fast.push(socket);
      }
      const slow: StalledClient[] = [];
      for (let i = 0; i < slowCount; i++) slow.push(await subscribedStalledClient(proc.port, "flood"));
      for (const client of slow) client.stall();
      const publisher = await handshaken(url);
      await Bun.sleep(200);
      const pid = proc.proc.pid;
      const baseline = rss(pid);
      let peak = baseline;
      // A sampler that throws would outlive this test and fail whichever runs next: a server
      // that died is recorded here and reported by this test alone.
      let died = false;
      const sampler = setInterval(() => {
        try { peak = Math.max(peak, rss(pid)); } catch { died = true; clearInterval(sampler); }
      }, 50);
      proc.proc.exited.then(() => { died = true; clearInterval(sampler); });
      const start = Date.now();
      // At least `publications`, and on until every stalled client has been found (a loaded
      // machine drains the kernel buffers more slowly): the fast ones must get 99% of all sent.
      let sent = 0;
      const floodUntil = Date.now() + 60_000;
      while (!died && (sent < publications || (slowCloseLines(proc) < slowCount && Date.now() < floodUntil))) {
        for (let j = 0; j < 50; j++) publisher.send({ event: "#publish", data: { channel: "flood", data: payload } });
        sent += 50;
        // Keep the publisher's own buffer short, so the server sees a steady flood, at a pace
        // (about 2,500 publications/s, 1 GB/s to the fast subscribers) this test process can
        // read on 2 shared cores: a fast subscriber that cannot keep up is a slow consumer too.
        while (publisher.ws.bufferedAmount > 1 << 20) await Bun.sleep(1);
        await Bun.sleep(20);
      }
      if (died) throw new Error(`scx on ${runtime} exited during the flood; its output ends:\n${proc.output().slice(-1500)}`);
      await until(() => slowCloseLines(proc) >= slowCount, 10_000, `${slowCount} slow-consumer closes`)
        .catch((error) => { throw new Error(`${error.message}: ${slowCloseLines(proc)} seen; server output ends:\n${proc.output().slice(-1500)}`); });
      const detectedAt = Date.now() - start;
      await until(() => fast.every((socket) => socket.count >= sent * 0.99), 60_000, "the fast subscribers")
        .catch((error) => { throw new Error(`${error.message}: ${sent} sent, fast received ${[...new Set(fast.map((s) => s.count))].join(", ")}; server output ends:\n${proc.output().slice(-1500)}`); });
      // The clients resume reading within 3 s of being closed: each gets the close code.
      for (const client of slow) client.resume();
      const closes = await Promise.all(slow.map((client) => client.closed));
      clearInterval(sampler);
      peak = Math.max(peak, rss(pid));
      const growth = peak - baseline;
      console.log(`${runtime}: ${slowCount} slow consumers closed ${detectedAt} ms after the flood began; RSS growth ${(growth / 2 ** 20).toFixed(1)} MiB (bound ${((slowCount * outboundBuffer + slackBytes[runtime]) / 2 ** 20).toFixed(0)} MiB); fast min ${Math.min(...fast.map((s) => s.count))}/${sent}`);
      expect(closes.map((c) => c.code)).toEqual(slow.map(() => CloseCode.SlowConsumer));
      expect(closes.map((c) => c.reason)).toEqual(slow.map(() => "Slow consumer"));
      expect(growth).toBeLessThan(slowCount * outboundBuffer + slackBytes[runtime]);
      for (const socket of fast) expect(socket.count).toBeGreaterThanOrEqual(sent * 0.99);
      for (const socket of [...fast, publisher]) socket.ws.close();
      proc.kill("SIGTERM");
      await proc.proc.exited;
    }, 180_000);
  });
}

describe("slowConsumer: disconnect, in-process", () => {
  test("SlowConsumers' close frame reaches a client that resumes reading 3 s after the server closed it", async () => {
    const scx = await startScx({ limits: { outboundBuffer: 65536 } });
    try {
      const client = await subscribedStalledClient(scx.port, "late");
      client.stall();
      const before = limitCounters.slowConsumer.disconnect;
      const data = "z".repeat(4000);
      const flood = setInterval(() => { for (let i = 0; i < 100; i++) scx.server.exchange.transmitPublish("late", data); }, 5);
      await until(() => limitCounters.slowConsumer.disconnect > before, 20_000, "the slow-consumer close");
      clearInterval(flood);
      await Bun.sleep(3000);
      client.resume();
      const closed = await client.closed;
      expect(closed.code).toBe(CloseCode.SlowConsumer);
      expect(closed.reason).toBe("Slow consumer");
    } finally {
      await scx.stop();
    }
  }, 60_000);
});

describe("SlowConsumers.sweep()", () => {
  function fixture(mode: "disconnect" | "drop" = "disconnect") {
    const state = { buffered: 0, dropped: false, closedWith: 0, terminated: 0 };
    const socket: any = {
      id: "s1", remoteAddress: "127.0.0.1", state: "open", channels: new Set(["a"]),
      connection: {
        bufferedAmount: () => state.buffered,
        takeDropped: () => { const was = state.dropped; state.dropped = false; return was; },
        terminate: (code: number) => { state.terminated = code; },
      },
      disconnect: (code: number) => { state.closedWith = code; },
    };
    const left: string[] = [];
    const host = {
      config: { limits: { outboundBuffer: 100, slowConsumer: mode } } as any,
      log: { debug() {}, info() {}, warn() {}, error() {} },
      clients: new Map([["s1", socket]]),
      unsubscribeSocket: (_socket: unknown, channel: string) => { left.push(channel); socket.channels.delete(channel); },
    };
    return { slow: new SlowConsumers(host), state, left };
  }

  test("SlowConsumers.sweep() acts on a socket over the buffer on two sweeps, not one, and closes it with 4011 once drained", () => {
    const { slow, state, left } = fixture();
    state.buffered = 500;
    slow.sweep(0);
    state.buffered = 50;
    slow.sweep(200);
    expect(left).toEqual([]);
    state.buffered = 500;
    slow.sweep(400);
    slow.sweep(600);
    expect(left).toEqual(["a"]);
    expect(state.closedWith).toBe(0);
    state.buffered = 0;
    slow.sweep(800);
    expect(state.closedWith).toBe(CloseCode.SlowConsumer);
  });

  test("SlowConsumers.sweep() acts at once on a socket the runtime dropped a send for, even if it drained since", () => {
    const { slow, state } = fixture();
    state.dropped = true;
    slow.sweep(0);
    expect(state.closedWith).toBe(CloseCode.SlowConsumer);
  });

  test("SlowConsumers.sweep() cuts a slow consumer that has not drained within closeWaitMs", () => {
    const { slow, state } = fixture();
    state.buffered = 500;
    slow.sweep(0);
    slow.sweep(200);
    slow.sweep(200 + closeWaitMs - 1);
    expect(state.terminated).toBe(0);
    slow.sweep(200 + closeWaitMs);
    expect(state.terminated).toBe(CloseCode.SlowConsumer);
    expect(state.closedWith).toBe(0);
  });

  test("SlowConsumers.sweep() with drop counts one episode per stall and keeps the socket subscribed", () => {
    const { slow, state, left } = fixture("drop");
    const before = limitCounters.slowConsumer.drop;
    state.buffered = 500;
    for (let t = 0; t < 1000; t += 200) slow.sweep(t);
    expect(limitCounters.slowConsumer.drop).toBe(before + 1);
    state.buffered = 10;
    slow.sweep(1000);
    state.dropped = true;
    slow.sweep(1200);
    expect(limitCounters.slowConsumer.drop).toBe(before + 2);
    expect(left).toEqual([]);
    expect(state.closedWith).toBe(0);
  });
});

describe("slowConsumer: drop", () => {
  test("SlowConsumers with drop keeps a stalled subscriber open, counts it once, and it gets publications again once drained", async () => {
    const scx = await startScx({ limits: { outboundBuffer: 65536, slowConsumer: "drop" } });
    try {
      const client = await subscribedStalledClient(scx.port, "drop");
      client.stall();
      const before = limitCounters.slowConsumer.drop;
      const data = "y".repeat(4000);
      const flood = setInterval(() => { for (let i = 0; i < 100; i++) scx.server.exchange.transmitPublish("drop", data); }, 5);
      await until(() => limitCounters.slowConsumer.drop > before, 20_000, "the drop episode");
      clearInterval(flood);
      expect(limitCounters.slowConsumer.drop).toBe(before + 1);
      client.resume();
      await Bun.sleep(300);
      const received = client.received();
      scx.server.exchange.transmitPublish("drop", "after");
      await until(() => client.received() > received, 10_000, "a publication after draining");
      let closed = false;
      client.closed.then(() => { closed = true; });
      await Bun.sleep(50);
      expect(closed).toBe(false);
      client.socket.destroy();
    } finally {
      await scx.stop();
    }
  }, 60_000);
});
