/**
 * History across hosts on a real redis-server, on the wire (raw frames): a client that
 * drops from host A and reconnects to host B with `since` recovers exactly what it
 * missed; a wrong epoch or trimmed history says recovered:false; history survives a
 * killed and restarted scx process; with Redis down, publications on history channels
 * are refused with a BrokerError and reach nobody, while ephemeral ones stay local.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";

const channels = [
  { match: "chat/*", history: { size: 100, ttl: 600 } },
  { match: "small/*", history: { size: 5, ttl: 600 } },
];

type Client = RawSocket & { id: string; cid: number };
interface Position { offset: number; epoch: string }

const sockets: RawSocket[] = [];
let uniq = 0;
const channel = (prefix: string) => `${prefix}/${Date.now()}-${++uniq}`;

async function client(port: number): Promise<Client> {
  const socket = Object.assign(await handshaken(`ws://127.0.0.1:${port}/socketcluster/`), { cid: 10 });
  sockets.push(socket);
  return socket;
}

/** The next frame that is no ping. */
async function frame(socket: RawSocket, timeoutMs = 5000): Promise<string> {
  for (;;) {
    const text = await socket.next(timeoutMs);
    if (text !== "" && text !== "#1") return text;
  }
}

async function noFrame(socket: RawSocket, ms = 200): Promise<void> {
  expect(await frame(socket, ms).catch(() => null)).toBeNull();
}

async function reply(socket: Client, cid: number): Promise<any> {
  for (;;) {
    const packet = JSON.parse(await frame(socket));
    if (packet.rid === cid) return packet;
  }
}

async function subscribe(socket: Client, ch: string, since?: Position) {
  const cid = ++socket.cid;
  socket.send({ event: "#subscribe", data: since ? { channel: ch, since } : { channel: ch }, cid });
  const text = await frame(socket);
  expect(JSON.parse(text).rid).toBe(cid);
  return { text, cid, data: JSON.parse(text).data };
}

/** Publish `count` publications with acks, pipelined; resolves with the replies in order. */
async function publishMany(socket: Client, ch: string, count: number, data = (i: number): unknown => ({ i })) {
  const cids = Array.from({ length: count }, (_, i) => {
    const cid = ++socket.cid;
    socket.send({ event: "#publish", data: { channel: ch, data: data(i) }, cid });
    return cid;
  });
  const replies = [];
  for (const cid of cids) replies.push(await reply(socket, cid));
  return replies;
}

/** The next `count` #publish frames, parsed, after checking their exact text. */
async function publications(socket: RawSocket, ch: string, count: number) {
  const got = [];
  for (let i = 0; i < count; i++) {
    const text = await frame(socket);
    const packet = JSON.parse(text);
    expect(packet.event).toBe("#publish");
    const { offset, epoch, data } = packet.data;
    expect(text).toBe(`{"event":"#publish","data":{"channel":${JSON.stringify(ch)},"data":${JSON.stringify(data)},"offset":${offset},"epoch":${JSON.stringify(epoch)}}}`);
    got.push(packet.data as { channel: string; data: any; offset: number; epoch: string });
  }
  return got;
}

async function readyz(port: number, status = 200): Promise<void> {
  while ((await fetch(`http://127.0.0.1:${port}/readyz`)).status !== status) await Bun.sleep(20);
}

describe("history across hosts through Redis", () => {
  let redis: RedisProcess;
  let hostA: StartedScx;
  let hostB: StartedScx;
  beforeAll(async () => {
    redis = await startRedis();
    const cluster = { engine: "redis" as const, urls: [redis.url], prefix: "hr:" };
    hostA = await startScx({ cluster, channels });
    hostB = await startScx({ cluster, channels, workers: 2, brokers: 2 });
    await readyz(hostA.port);
    await readyz(hostB.port);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.ws.close();
    await hostA?.stop();
    await hostB?.stop();
    await redis?.stop();
  });

  test("a client drops from host A, 50 are published on host B, it reconnects to B with since: exactly those 50, in order, recovered:true", async () => {
    const ch = channel("chat");
    const reader = await client(hostA.port);
    const writer = await client(hostB.port);
    const { data: start } = await subscribe(reader, ch);
    expect(start.offset).toBe(0);
    await publishMany(writer, ch, 1, () => "seen");
    const [seen] = await publications(reader, ch, 1);
    expect(seen).toEqual({ channel: ch, data: "seen", offset: 1, epoch: start.epoch });
    reader.ws.close();
    await reader.closed;

    const acks = await publishMany(writer, ch, 50);
    expect(acks.every((ack) => !ack.error)).toBe(true);
    const back = await client(hostB.port);
    const { text, cid } = await subscribe(back, ch, { offset: 1, epoch: start.epoch });
    expect(text).toBe(`{"rid":${cid},"data":{"offset":51,"epoch":${JSON.stringify(start.epoch)},"recovered":true}}`);
    const missed = await publications(back, ch, 50);
    expect(missed.map((p) => p.offset)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(missed.map((p) => p.data)).toEqual(Array.from({ length: 50 }, (_, i) => ({ i })));
    expect(new Set(missed.map((p) => p.epoch))).toEqual(new Set([start.epoch]));
    // Live publications follow, from either host, with the next offsets.
    await publishMany(await client(hostA.port), ch, 1, () => "live");
    expect((await publications(back, ch, 1))[0]).toEqual({ channel: ch, data: "live", offset: 52, epoch: start.epoch });
    await noFrame(back);
  });

  test("recovery with a wrong epoch, or past what a small history holds, says recovered:false and replays nothing", async () => {
    const ch = channel("small");
    const writer = await client(hostA.port);
    const first = await client(hostB.port);
    const { data: start } = await subscribe(first, ch);
    await publishMany(writer, ch, 20);
    const { data: trimmed } = await subscribe(await client(hostB.port), ch, { offset: 2, epoch: start.epoch }).then(async (r) => r);
    expect(trimmed).toEqual({ offset: 20, epoch: start.epoch, recovered: false });
    const late = await client(hostA.port);
    const wrong = await subscribe(late, ch, { offset: 18, epoch: "not-" + start.epoch });
    expect(wrong.text).toBe(`{"rid":${wrong.cid},"data":{"offset":20,"epoch":${JSON.stringify(start.epoch)},"recovered":false}}`);
    await noFrame(late);
    // Within what is kept, the same channel recovers.
    const ok = await client(hostA.port);
    const { data } = await subscribe(ok, ch, { offset: 17, epoch: start.epoch });
    expect(data.recovered).toBe(true);
    expect((await publications(ok, ch, 3)).map((p) => p.offset)).toEqual([18, 19, 20]);
  });

  test("publications racing the subscribe: 100 clients reconnect to host A with since while host B publishes steadily; none sees a gap or a duplicate", async () => {
    const ch = channel("chat");
    const writer = await client(hostB.port);
    const first = await client(hostA.port);
    const { data: start } = await subscribe(first, ch);
    await publishMany(writer, ch, 10);
    const since = { offset: 3, epoch: start.epoch };
    let publishing = true;
    let published = 10;
    const pump = (async () => {
      while (publishing || published < 40) {
        await publishMany(writer, ch, 1, () => ({ i: published }));
        published++;
        await Bun.sleep(2);
      }
    })();
    const readers = await Promise.all(Array.from({ length: 100 }, () => client(hostA.port)));
    // Each sends its subscribe at once; frames are read after, from each socket's queue.
    const cids = readers.map((reader) => {
      const cid = ++reader.cid;
      reader.send({ event: "#subscribe", data: { channel: ch, since }, cid });
      return cid;
    });
    await Bun.sleep(300);
    publishing = false;
    await pump;
    const last = published;
    expect(last).toBeGreaterThanOrEqual(40); // at least 30 raced the subscribes
    for (const [i, reader] of readers.entries()) {
      const answer = JSON.parse(await frame(reader));
      expect(answer.rid).toBe(cids[i]);
      expect(answer.data.recovered).toBe(true);
      const got = await publications(reader, ch, last - since.offset);
      expect(got.map((p) => p.offset)).toEqual(Array.from({ length: last - since.offset }, (_, k) => since.offset + k + 1));
    }
    await noFrame(readers[0]!);
  });

  test("with Redis down a publication on a history channel is refused with a BrokerError and reaches nobody; ephemeral ones stay local; after Redis is back, publishing resumes", async () => {
    const ch = channel("chat");
    const reader = await client(hostA.port);
    const writer = await client(hostA.port);
    await subscribe(reader, ch);
    await subscribe(reader, "plain");
    await redis.stop();
    await readyz(hostA.port, 503);
    const [refused] = await publishMany(writer, ch, 1, () => "while down");
    expect(refused.error.name).toBe("BrokerError");
    expect(refused.error.message).toContain("Redis is unreachable");
    const error = await hostA.server.exchange.publish(ch, "server while down").then(() => null, (e: Error) => e);
    expect(error?.name).toBe("BrokerError");
    const late = await client(hostA.port);
    const refusedSubscribe = await subscribe(late, ch, { offset: 0, epoch: "any" });
    expect(JSON.parse(refusedSubscribe.text).error.name).toBe("BrokerError");
    const cid = ++late.cid;
    late.send({ event: "#history", data: { channel: ch }, cid });
    expect((await reply(late, cid)).error.name).toBe("BrokerError");
    const [local] = await publishMany(writer, "plain", 1, () => "ephemeral while down");
    expect(local.error).toBeUndefined();
    expect(JSON.parse(await frame(reader))).toEqual({ event: "#publish", data: { channel: "plain", data: "ephemeral while down" } });
    await noFrame(reader);
    await redis.restart();
    await readyz(hostA.port);
    await readyz(hostB.port);
    // The restarted Redis kept nothing (no persistence): a new epoch, offsets from 1.
    const fresh = await client(hostB.port);
    const { data } = await subscribe(fresh, ch);
    expect(data.offset).toBe(0);
    await publishMany(writer, ch, 1, () => "after");
    const [after] = await publications(fresh, ch, 1);
    expect(after).toEqual({ channel: ch, data: "after", offset: 1, epoch: data.epoch });
  });
});

describe("history across scx processes through Redis", () => {
  let redis: RedisProcess;
  const procs: CliProcess[] = [];
  let config: string;
  const cli = new URL("../cli.ts", import.meta.url).pathname;
  const start = async () => {
    const proc = await startCli([process.execPath, cli, "serve", config]);
    procs.push(proc);
    await readyz(proc.port);
    return proc;
  };
  beforeAll(async () => {
    redis = await startRedis();
    const dir = mkdtempSync(`${tmpdir()}/scx-history-`);
    config = `${dir}/scx.yaml`;
    writeFileSync(config, `host: 127.0.0.1\nport: 0\nworkers: 1\nlogFormat: json\n` +
      `cluster:\n  engine: redis\n  urls: ["${redis.url}"]\n  prefix: "procs:"\n` +
      `channels:\n  - match: "chat/*"\n    history: { size: 100, ttl: 600 }\n`);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.ws.close();
    for (const proc of procs) proc.kill();
    await redis?.stop();
  });

  test("a killed and restarted scx process loses no history: a client recovers from it what it missed", async () => {
    const ch = channel("chat");
    const one = await start();
    let two = await start();
    const reader = await client(two.port);
    const { data: begin } = await subscribe(reader, ch);
    const writer = await client(one.port);
    await publishMany(writer, ch, 5);
    const seen = await publications(reader, ch, 5);
    expect(seen.map((p) => p.offset)).toEqual([1, 2, 3, 4, 5]);
    two.kill("SIGKILL");
    await two.proc.exited;
    await publishMany(writer, ch, 30);
    two = await start();
    const back = await client(two.port);
    const { data } = await subscribe(back, ch, { offset: 5, epoch: begin.epoch });
    expect(data).toEqual({ offset: 35, epoch: begin.epoch, recovered: true });
    const missed = await publications(back, ch, 30);
    expect(missed.map((p) => p.offset)).toEqual(Array.from({ length: 30 }, (_, i) => i + 6));
    expect(missed.map((p) => p.data.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // The restarted process publishes on, in the same epoch.
    await publishMany(back, ch, 1, () => "from the restarted process");
    expect((await publications(back, ch, 1))[0]).toEqual({ channel: ch, data: "from the restarted process", offset: 36, epoch: begin.epoch });
  }, 30_000);
});
