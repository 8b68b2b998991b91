/**
 * Soak: a hung Redis. Two scx hosts (in-process workers) share one redis-server; a client
 * on host B publishes (acknowledged) at a steady rate to subscribers on host A, while the
 * redis-server is stopped (SIGSTOP: connections stay open, nothing answers) for `stopMs`
 * then continued (SIGCONT), over and over. Counted: what reached host A's subscribers
 * (lost, duplicated, reordered among the acknowledged), publications refused or unanswered
 * at host B, host A's /readyz answers while Redis was stopped (200 ok, 503 not ready),
 * and both hosts' memory. Stops and runs last 5 s each (a quarter of a short run).
 * It counts what happens; how scx should behave is the Redis engine's contract tests' job.
 */
import { startRedis } from "../../tests/helpers/redisServer.ts";
import { create } from "../../src/client/index.ts";
import { sequenceFaults, startSoakServer } from "./processes.ts";
import type { SoakCounts } from "./counts.ts";

export async function redisFaultSoak(seconds: number, { stopMs = Math.min(5000, seconds * 250), runMs = Math.min(5000, seconds * 250), rate = 500 } = {}): Promise<SoakCounts> {
  const redis = await startRedis();
  const config = { workers: 0, brokers: 1, cluster: { engine: "redis", urls: [redis.url], prefix: "soak:" } };
  const [a, b] = await Promise.all([startSoakServer(config), startSoakServer(config)]);
  const client = (port: number) => create({ hostname: "127.0.0.1", port, ackTimeout: 5000, autoReconnectOptions: { initialDelay: 50, randomness: 100, maxDelay: 500 } });
  const received: Array<Array<{ from: number; seq: number }>> = [];
  const subscribers = Array.from({ length: 10 }, () => {
    const socket = client(a.port);
    const list: Array<{ from: number; seq: number }> = [];
    socket.subscribe("faults").watch((data) => list.push(data as { from: number; seq: number }));
    received.push(list);
    return socket;
  });
  const publisher = client(b.port);
  const ready = Date.now() + 15_000;
  while ((subscribers.some((socket) => !socket.isSubscribed("faults")) || publisher.state !== "open") && Date.now() < ready) await Bun.sleep(20);
  // Both hosts see each other through Redis before the clock starts.
  await publisher.invokePublish("faults", { from: 1, seq: 0 });
  const rssBefore = await Promise.all([a.rss(), b.rss()]);
  const acked = new Set<number>();
  let sent = 0;
  let refused = 0;
  let stops = 0;
  let paused = false;
  const readyz = { ok: 0, notReady: 0, failed: 0 };
  const started = Date.now();
  let stopping = false;
  const faults = (async () => {
    while (!stopping) {
      await Bun.sleep(runMs);
      if (stopping) break;
      redis.pause();
      paused = true;
      stops++;
      await Bun.sleep(stopMs);
      redis.resume();
      paused = false;
    }
  })();
  const probe = (async () => {
    while (!stopping) {
      if (paused) {
        const status = await fetch(`http://127.0.0.1:${a.port}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
        if (status === 200) readyz.ok++;
        else if (status === 503) readyz.notReady++;
        else readyz.failed++;
      }
      await Bun.sleep(250);
    }
  })();
  const pending: Promise<void>[] = [];
  while (Date.now() - started < seconds * 1000) {
    for (let i = 0; i < rate / 50; i++) {
      const seq = sent++;
      pending.push(publisher.invokePublish("faults", { from: 0, seq }).then(() => { acked.add(seq); }, () => { refused++; }));
    }
    await Bun.sleep(20);
  }
  stopping = true;
  await faults;
  redis.resume();
  await probe;
  await Promise.allSettled(pending);
  const elapsed = (Date.now() - started) / 1000;
  // What was acknowledged before the last stop reaches host A once Redis answers again, or never.
  const last = Math.max(-1, ...acked);
  const settle = Date.now() + 10_000;
  while (received.some((list) => !list.some((item) => item.from === 0 && item.seq >= last)) && Date.now() < settle) await Bun.sleep(50);
  let lost = 0;
  let duplicated = 0;
  let reordered = 0;
  for (const list of received) {
    const ours = list.filter((item) => item.from === 0);
    const f = sequenceFaults(ours, [sent]);
    const seen = new Set(ours.map((item) => item.seq));
    lost += [...acked].filter((seq) => !seen.has(seq)).length;
    duplicated += f.duplicated;
    reordered += f.reordered;
  }
  const rssAfter = await Promise.all([a.rss(), b.rss()]);
  const counts: SoakCounts = {
    scenario: "redis-fault", seconds: elapsed, frames: sent, crashes: a.deaths() + b.deaths(), lost, duplicated, reordered,
    rssBeforeMb: rssBefore[0]! + rssBefore[1]!, rssAfterMb: rssAfter[0]! + rssAfter[1]!,
    details: {
      "redis stops": stops, "stop ms": stopMs, "publications acked": acked.size, "publications refused or unanswered": refused,
      "acked, received by all 10": [...acked].filter((seq) => received.every((list) => list.some((item) => item.from === 0 && item.seq === seq))).length,
      "/readyz while stopped: ok": readyz.ok, "not ready": readyz.notReady, "no answer": readyz.failed,
      "host RSS MB (A, B)": `${rssBefore.map((v) => v.toFixed(0)).join("/")} → ${rssAfter.map((v) => v.toFixed(0)).join("/")}`,
    },
  };
  for (const socket of [...subscribers, publisher]) socket.disconnect();
  await Promise.all([a.stop(), b.stop()]);
  await redis.stop();
  return counts;
}
