/**
 * A hung Redis (SIGSTOP: the process stops, its sockets stay open) under load, with
 * `scx serve` processes on Bun and on Deno: one host publishes ~1,800 publications per
 * second to channels a second host subscribes to, while their only Redis is stopped for
 * 10 s. The publishing host must say it is not ready (/readyz 503) within 5 s, log how
 * many publications it dropped while the outage lasts (not only once it ends), keep its
 * memory bounded, and carry publications across hosts again once Redis is continued
 * (SIGCONT).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { serveCommand, startCli, type CliProcess } from "./helpers/startCli.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";


function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

async function readyz(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

/** The JSON log records a process has printed so far. */
function records(cli: CliProcess): Array<Record<string, any>> {
  return cli.output().split("\n").filter((line) => line.startsWith("{")).map((line) => { try { return JSON.parse(line); } catch { return {}; } });
}

for (const runtime of ["bun", "deno"] as const) describe(`a hung Redis under load on ${runtime}`, () => {
  let redis: RedisProcess;
  let publisher: CliProcess;
  let reader: CliProcess;

  beforeAll(async () => {
    redis = await startRedis();
    const dir = mkdtempSync(`${tmpdir()}/scx-redis-hang-`);
    cpSync(new URL("./fixtures/worker.ts", import.meta.url).pathname, `${dir}/worker.ts`);
    writeFileSync(`${dir}/scx.yaml`, `host: 127.0.0.1\nport: 0\nworkers: 1\nworker: worker.ts\nlogFormat: json\n` +
      `cluster:\n  engine: redis\n  urls: ["${redis.url}"]\n  prefix: "hang:"\n`);
    const command = serveCommand(runtime, `${dir}/scx.yaml`);
    [publisher, reader] = await Promise.all([0, 1].map(() => startCli(command)));
    for (const host of [publisher, reader]) await until(async () => (await readyz(host.port)) === 200, "/readyz 200");
  }, 60_000);

  afterAll(async () => {
    publisher?.kill();
    reader?.kill();
    await redis?.stop();
  });

  test(`RedisEngine on a hung Redis (${runtime}): /readyz 503 within 5 s, drops counted in log lines while it lasts, RSS bounded, delivery back after SIGCONT`, async () => {
    const url = (port: number) => `ws://127.0.0.1:${port}/socketcluster/`;
    const channels = ["hang/0", "hang/1", "hang/2", "hang/3"];
    const sub: RawSocket = await handshaken(url(reader.port));
    channels.forEach((channel, i) => sub.send({ event: "#subscribe", data: { channel }, cid: 10 + i }));
    for (let i = 0; i < channels.length; i++) await sub.nextPacket(10_000);
    let received = 0;
    sub.ws.addEventListener("message", (event) => { if (event.data !== "") received++; });
    const pub: RawSocket = await handshaken(url(publisher.port));
    // The test outlasts pingTimeout: both sockets answer pings (protocol v2: an empty frame).
    for (const socket of [sub, pub]) socket.ws.addEventListener("message", (event) => { if (event.data === "") socket.ws.send(""); });
    const payload = { text: "x".repeat(200) };
    let sent = 0;
    // ~1,800/s: 18 publications every 10 ms.
    const load = setInterval(() => {
      for (let i = 0; i < 18; i++) pub.send({ event: "#publish", data: { channel: channels[sent++ % channels.length], data: payload } });
    }, 10);
    try {
      await until(() => received > 500, "publications across hosts before the hang");
      await Bun.sleep(1000);
      const rssBefore = rssMiB(publisher.proc.pid);
      redis.pause();
      const pausedAt = Date.now();
      await until(async () => (await readyz(publisher.port)) === 503, "/readyz 503 on the publishing host", 15_000);
      const detectedMs = Date.now() - pausedAt;
      // The hang goes on for 10 s in all; memory is sampled through it.
      let rssPeak = rssBefore;
      while (Date.now() - pausedAt < 10_000) {
        rssPeak = Math.max(rssPeak, rssMiB(publisher.proc.pid));
        await Bun.sleep(200);
      }
      const dropLines = records(publisher).filter((r) => typeof r.dropped === "number" && /dropped/i.test(r.msg));
      const duringHang = dropLines.length;
      redis.resume();
      await until(async () => (await readyz(publisher.port)) === 200, "/readyz 200 after SIGCONT");
      const after = received;
      await until(() => received > after + 500, "publications across hosts after SIGCONT").catch((error) => {
        // What both hosts said is the evidence for a failure here; print it with the error.
        console.log(`received ${received} (${after} at SIGCONT); publisher:\n${publisher.output().slice(-4000)}\nreader:\n${reader.output().slice(-4000)}`);
        throw error;
      });
      // The backlog Redis releases on SIGCONT is a burst, not a slow consumer (tests/slowConsumerBurst.test.ts).
      expect(reader.output()).not.toContain('"Socket closed: slow consumer"');
      console.log(`${runtime}, hung Redis: 503 after ${detectedMs} ms; ${duringHang} drop lines during 10 s; RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} MiB; sent ${sent}`);
      console.log(dropLines.map((r) => `${r.msg} ${r.dropped} ${r.droppedTotal}`).join("\n"));
      expect(detectedMs).toBeLessThan(5000);
      // One line within 5 s of the first drop, then at least every 10 s: two in a 10 s hang.
      expect(duringHang).toBeGreaterThanOrEqual(2);
      expect(dropLines.at(-1)!.droppedTotal).toBeGreaterThan(1000);
      // Deno's GC swings more (see tests/slowConsumer.test.ts); without the bound the backlog grew 170 MB in 30 s.
      expect(rssPeak - rssBefore).toBeLessThan(runtime === "bun" ? 60 : 120);
    } finally {
      clearInterval(load);
      redis.resume();
      sub.ws.close();
      pub.ws.close();
    }
  }, 90_000);
});
