/**
 * Soak: connect/disconnect churn for the whole duration. Batches of raw sockets connect,
 * handshake, subscribe to a fresh channel and to a shared one, unsubscribe, and close (half
 * of them abruptly), while one steady publisher and subscriber pair must keep every
 * publication, once and in order. Memory and open descriptors are read before and after.
 */
import { Wire } from "../../tests/helpers/fuzzWire.ts";
import { openFds, sequenceFaults, startSoakServer } from "./processes.ts";
import type { SoakCounts } from "./counts.ts";

export async function churnSoak(seconds: number): Promise<SoakCounts> {
  const server = await startSoakServer();
  const received: Array<{ from: number; seq: number }> = [];
  const subscriber = await Wire.handshaken(server.url);
  subscriber.send({ text: JSON.stringify({ event: "#subscribe", data: { channel: "steady" }, cid: 2 }) });
  await subscriber.reply(2, 10_000);
  const answerPings = (wire: Wire) => wire.ws.addEventListener("message", (event) => { if (event.data === "") wire.ws.send(""); });
  subscriber.ws.addEventListener("message", (event) => {
    const text = String(event.data);
    if (!text.startsWith('{"event":"#publish"')) return;
    received.push(JSON.parse(text).data.data);
  });
  const publisher = await Wire.handshaken(server.url);
  // The steady pair answers the server's pings (v2: an empty frame back), or it would be closed with 4001.
  answerPings(subscriber);
  answerPings(publisher);
  let published = 0;
  let frames = 0;
  let cycles = 0;
  let failed = 0;
  // Warm up once so the first figures are not the allocator's first growth.
  await churnBatch(server.url, 0, 200);
  await Bun.sleep(1000);
  const rssBefore = await server.rss();
  const fdsBefore = openFds(server.pid);
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    for (let i = 0; i < 5; i++) publisher.send({ text: JSON.stringify({ event: "#publish", data: { channel: "steady", data: { from: 0, seq: published++ } } }) });
    frames += 5;
    const batch = await churnBatch(server.url, cycles, 100);
    cycles += batch.done;
    failed += batch.failed;
    frames += batch.done * 4;
  }
  const elapsed = (Date.now() - started) / 1000;
  publisher.send({ text: JSON.stringify({ event: "echo", data: "barrier", cid: 3 }) });
  await publisher.reply(3, 10_000);
  const until = Date.now() + 10_000;
  while (received.length < published && Date.now() < until) await Bun.sleep(20);
  // Closed sockets leave the server asynchronously: give the descriptors a moment to go.
  await Bun.sleep(1000);
  const faults = sequenceFaults(received, [published]);
  const counts: SoakCounts = {
    scenario: "churn", seconds: elapsed, frames, crashes: server.deaths(), ...faults,
    rssBeforeMb: rssBefore, rssAfterMb: await server.rss(),
    details: { "connect/disconnect cycles": cycles, "failed cycles": failed, "steady publications": published, "descriptors before": fdsBefore, "descriptors after": openFds(server.pid) },
  };
  subscriber.close();
  publisher.close();
  await server.stop();
  return counts;
}

/** `count` sockets at once: handshake, subscribe to a fresh and a shared channel, unsubscribe one, close. */
async function churnBatch(url: string, first: number, count: number): Promise<{ done: number; failed: number }> {
  const results = await Promise.allSettled(Array.from({ length: count }, async (_, i) => {
    const wire = await Wire.handshaken(url);
    const channel = `churn/${first + i}`;
    wire.send({ text: JSON.stringify([{ event: "#subscribe", data: { channel }, cid: 2 }, { event: "#subscribe", data: { channel: "shared" }, cid: 3 }]) });
    await wire.reply(3, 10_000);
    wire.send({ text: JSON.stringify({ event: "#unsubscribe", data: channel, cid: 4 }) });
    await wire.reply(4, 10_000);
    // Half close cleanly, half just drop the TCP connection's WebSocket without a reason.
    if (i % 2) wire.ws.close(1000);
    else wire.ws.close();
    await wire.closed;
  }));
  const failed = results.filter((result) => result.status === "rejected").length;
  return { done: count - failed, failed };
}
