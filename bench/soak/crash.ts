/**
 * Soak: crashes under load. Subscribers (scx's own client, reconnecting and recovering on
 * a history channel) and one publisher whose every publication is acknowledged, spread
 * over 2 worker threads and 2 brokers; a worker or a broker is killed every
 * `intervalMs` (3 s, or less in a short run), alternating. Counted at each subscriber: acknowledged publications lost,
 * duplicated or out of order (unacknowledged ones, whose ack a crash cut off, apart).
 */
import { create } from "../../src/client/index.ts";
import { sequenceFaults, startSoakServer } from "./processes.ts";
import type { SoakCounts } from "./counts.ts";

const channel = "history/soak";

export async function crashSoak(seconds: number, { subscribers = 40, intervalMs = Math.min(3000, seconds * 300) } = {}): Promise<SoakCounts> {
  const server = await startSoakServer();
  const client = () => create({ hostname: "127.0.0.1", port: server.port, ackTimeout: 5000, autoReconnectOptions: { initialDelay: 50, randomness: 100, maxDelay: 500 } });
  const received: Array<Array<{ from: number; seq: number }>> = [];
  const sockets = [];
  for (let i = 0; i < subscribers; i++) {
    const socket = client();
    const list: Array<{ from: number; seq: number }> = [];
    socket.subscribe(channel).watch((data) => list.push(data as { from: number; seq: number }));
    received.push(list);
    sockets.push(socket);
  }
  const until = Date.now() + 15_000;
  while (sockets.some((socket) => !socket.isSubscribed(channel)) && Date.now() < until) await Bun.sleep(20);
  const publisher = client();
  while (publisher.state !== "open" && Date.now() < until) await Bun.sleep(20);
  const rssBefore = await server.rss();
  const acked = new Set<number>();
  let sent = 0;
  let unacked = 0;
  let kills = 0;
  const started = Date.now();
  let stopping = false;
  const killer = (async () => {
    while (!stopping) {
      await Bun.sleep(intervalMs);
      if (stopping) break;
      await server.kill(kills % 2 ? "broker" : "worker", Math.floor(kills / 2) % 2);
      kills++;
    }
  })();
  while (Date.now() - started < seconds * 1000) {
    const batch = Array.from({ length: 20 }, () => {
      const seq = sent++;
      return publisher.invokePublish(channel, { from: 0, seq }).then(() => { acked.add(seq); }, () => { unacked++; });
    });
    await Promise.all(batch);
    await Bun.sleep(5);
  }
  stopping = true;
  await killer;
  const elapsed = (Date.now() - started) / 1000;
  // Let every subscriber catch up (a reconnect recovers from history).
  const last = Math.max(-1, ...acked);
  const settle = Date.now() + 20_000;
  while (received.some((list) => !list.some((item) => item.seq >= last)) && Date.now() < settle) await Bun.sleep(50);
  let lost = 0;
  let duplicated = 0;
  let reordered = 0;
  for (const list of received) {
    const faults = sequenceFaults(list, [sent]);
    const seen = new Set(list.map((item) => item.seq));
    lost += [...acked].filter((seq) => !seen.has(seq)).length;
    duplicated += faults.duplicated;
    reordered += faults.reordered;
  }
  const counts: SoakCounts = {
    scenario: "crash", seconds: elapsed, frames: sent, crashes: server.deaths(), lost, duplicated, reordered,
    rssBeforeMb: rssBefore, rssAfterMb: await server.rss(),
    details: { "threads killed": kills, subscribers, "publications acked": acked.size, "publications unacked": unacked },
  };
  for (const socket of [...sockets, publisher]) socket.disconnect();
  await server.stop();
  return counts;
}
