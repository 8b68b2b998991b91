/**
 * Broker crashes. On the memory engine (issue 11 "Show") the history a broker owned is
 * gone, so the epoch changes; subscribed clients see publications in the new epoch
 * (offsets from 1 again) and a client recovering with the old epoch gets
 * `recovered: false`, honestly. And under load, brokers killed in a loop lose no
 * acknowledged publication and duplicate none (issue 10).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { brokerIndex } from "../src/protocol/channelHash.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";

let server: ScxServer;
let url: string;
const channel = "chat/crash";

async function packet(socket: RawSocket, match: (p: any) => boolean): Promise<any> {
  for (;;) {
    const p = await socket.nextPacket(5000);
    if (match(p)) return p;
  }
}

beforeAll(async () => {
  server = createServer({
    host: "127.0.0.1", port: 0, workers: 2, brokers: 2, logLevel: "silent",
    channels: [{ match: "chat/*", history: { size: 100, ttl: 600 } }],
  });
  await server.start();
  url = `ws://127.0.0.1:${server.port}/socketcluster/`;
});
afterAll(() => server.stop());

test("Supervisor.kill(broker): the owner's history is lost, the epoch changes, and since with the old epoch gives recovered:false", async () => {
  const a = await handshaken(url);
  a.send({ event: "#subscribe", data: { channel }, cid: 2 });
  const { data: before } = await packet(a, (p) => p.rid === 2);
  for (let n = 1; n <= 3; n++) await server.exchange.publish(channel, n);
  for (let n = 1; n <= 3; n++) expect((await packet(a, (p) => p.event === "#publish")).data.offset).toBe(n);

  const owner = brokerIndex(channel, 2);
  const restarted = server.supervisor!.nextStart("broker", owner);
  server.supervisor!.kill("broker", owner);
  await restarted;

  // The subscribed client stays subscribed (its worker resynced) and sees the new epoch, from offset 1.
  const after = await server.exchange.publish(channel, "after");
  expect(after.epoch).not.toBe(before.epoch);
  expect(after.offset).toBe(1);
  expect((await packet(a, (p) => p.event === "#publish")).data).toEqual({ channel, data: "after", offset: 1, epoch: after.epoch });

  // A client that was away recovers from the old epoch: it learns that it cannot.
  const b = await handshaken(url);
  b.send({ event: "#subscribe", data: { channel, since: { offset: 3, epoch: before.epoch } }, cid: 2 });
  expect(await packet(b, (p) => p.rid === 2)).toEqual({ rid: 2, data: { offset: 1, epoch: after.epoch, recovered: false } });
  a.ws.close();
  b.ws.close();
}, 20_000);

/**
 * Brokers killed in a loop under load (issue 10, item 5): every publication whose publish
 * was acknowledged (a client's `#publish` with a cid, or `exchange.publish` returning)
 * reaches every subscriber that was subscribed before it, once. `kill(broker)` resolves
 * once the broker's successor has started; `exchange(channel, id)` publishes on the
 * server and resolves when exchange.publish has returned.
 */
async function killLoop(wsUrl: string, kill: (broker: number) => Promise<void>, exchange: (channel: string, id: string) => Promise<void>) {
  // Channels on both brokers, so every kill hits publications in flight.
  const channels = ["load/0", "load/1", "load/2", "load/3"];
  expect([0, 1].every((b) => channels.some((ch) => brokerIndex(ch, 2) === b))).toBe(true);
  const subscribers = await Promise.all(Array.from({ length: 8 }, () => handshaken(wsUrl)));
  // subscriber → channel → publication ids received, in order
  const received = subscribers.map(() => new Map(channels.map((ch) => [ch, [] as string[]])));
  await Promise.all(subscribers.map(async (socket, i) => {
    channels.forEach((channel, c) => socket.send({ event: "#subscribe", data: { channel }, cid: 100 + c }));
    for (let c = 0; c < channels.length; c++) await packet(socket, (p) => typeof p.rid === "number" && p.rid >= 100);
    socket.ws.addEventListener("message", (event) => {
      const text = String(event.data);
      if (!text.startsWith("{")) return;
      const p = JSON.parse(text);
      if (p.event === "#publish") received[i]!.get(p.data.channel)!.push(p.data.data);
    });
  }));
  const acked = new Map(channels.map((ch) => [ch, [] as string[]]));
  const publisher = await handshaken(wsUrl);
  let cid = 1000;
  const waiting = new Map<number, { channel: string; id: string }>();
  publisher.ws.addEventListener("message", (event) => {
    const text = String(event.data);
    if (!text.startsWith("{")) return;
    const p = JSON.parse(text);
    const sent = waiting.get(p.rid);
    if (!sent) return;
    waiting.delete(p.rid);
    if (!p.error) acked.get(sent.channel)!.push(sent.id);
  });
  let n = 0;
  let running = true;
  const load = (async () => {
    while (running) {
      for (let i = 0; i < 20; i++) {
        const channel = channels[n % channels.length]!;
        const id = `c${n++}`;
        waiting.set(++cid, { channel, id });
        publisher.send({ event: "#publish", data: { channel, data: id }, cid });
        const serverId = `s${n++}`;
        exchange(channel, serverId).then(() => acked.get(channel)!.push(serverId), () => {});
      }
      await Bun.sleep(2);
    }
  })();
  const kills = 6;
  for (let k = 0; k < kills; k++) {
    await Bun.sleep(150);
    await kill(k % 2);
  }
  await Bun.sleep(300);
  running = false;
  await load;
  // Everything acknowledged arrives (allow the slow machine time), then nothing more is counted.
  const total = () => [...acked.values()].reduce((sum, ids) => sum + ids.length, 0);
  const deadline = Date.now() + 20_000;
  const got = () => received.reduce((sum, chs) => sum + [...chs.values()].reduce((s, ids) => s + ids.length, 0), 0);
  while (got() < total() * subscribers.length && Date.now() < deadline) await Bun.sleep(50);
  await Bun.sleep(200);
  let lost = 0;
  let duplicated = 0;
  for (const perChannel of received) {
    for (const [channel, ids] of perChannel) {
      const seen = new Set(ids);
      duplicated += ids.length - seen.size;
      for (const id of acked.get(channel)!) if (!seen.has(id)) lost++;
    }
  }
  for (const socket of [...subscribers, publisher]) socket.ws.close();
  return { kills, total: total(), subscribers: subscribers.length, lost, duplicated };
}

describe("broker kills under load", () => {
  // One worker thread: the sole worker, sent every publication by its brokers (src/config/soleWorkerId.ts).
  for (const workers of [2, 1]) test(`Supervisor.kill(broker) in a loop: no acknowledged publication is lost or duplicated for any subscriber (Bun, ${workers} worker${workers > 1 ? "s" : ""})`, async () => {
    const loaded = createServer({ host: "127.0.0.1", port: 0, workers, brokers: 2, logLevel: "silent", pingTimeout: 120_000 });
    await loaded.start();
    try {
      const result = await killLoop(`ws://127.0.0.1:${loaded.port}/socketcluster/`, async (broker) => {
        const restarted = loaded.supervisor!.nextStart("broker", broker);
        loaded.supervisor!.kill("broker", broker);
        await restarted;
      }, async (channel, id) => { await loaded.exchange.publish(channel, id); });
      console.log(`Bun, ${workers} worker(s), broker kills under load: ${JSON.stringify(result)}`);
      expect({ lost: result.lost, duplicated: result.duplicated }).toEqual({ lost: 0, duplicated: 0 });
      expect(result.total).toBeGreaterThan(1000);
    } finally {
      await loaded.stop();
    }
  }, 120_000);

  test("Supervisor.kill(broker) in a loop: no acknowledged publication is lost or duplicated for any subscriber (Deno)", async () => {
    const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
    const script = new URL("./fixtures/brokerKills.ts", import.meta.url).pathname;
    const proc = Bun.spawn([deno, "run", "-A", script], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    const lines: string[] = [];
    const waiters: Array<{ match: string; resolve: () => void }> = [];
    void (async () => {
      let text = "";
      for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
        text += new TextDecoder().decode(chunk);
        let newline;
        while ((newline = text.indexOf("\n")) >= 0) {
          const line = text.slice(0, newline);
          text = text.slice(newline + 1);
          lines.push(line);
          for (const w of waiters.splice(0)) if (line === w.match) w.resolve(); else waiters.push(w);
        }
      }
    })();
    const line = (match: string) => lines.includes(match) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ match, resolve }));
    const send = (text: string) => { proc.stdin.write(text + "\n"); proc.stdin.flush(); };
    try {
      const deadline = Date.now() + 30_000;
      while (!lines.some((l) => l.startsWith("PORT ")) && Date.now() < deadline) await Bun.sleep(20);
      const port = Number(lines.find((l) => l.startsWith("PORT "))!.slice(5));
      let kills = 0;
      const result = await killLoop(`ws://127.0.0.1:${port}/socketcluster/`, async (broker) => {
        const killed = line(`killed ${broker}`);
        send(`kill ${broker}`);
        await killed;
        kills++;
        // The next kill of the same broker must wait for this line again.
        lines.splice(lines.indexOf(`killed ${broker}`), 1);
      }, async (channel, id) => {
        const acked = line(`acked ${channel} ${id}`);
        send(`exchange ${channel} ${id}`);
        await acked;
      });
      console.log(`Deno, broker kills under load: ${JSON.stringify(result)}`);
      expect(kills).toBe(6);
      expect({ lost: result.lost, duplicated: result.duplicated }).toEqual({ lost: 0, duplicated: 0 });
      expect(result.total).toBeGreaterThan(1000);
    } finally {
      proc.kill();
    }
  }, 120_000);
});
