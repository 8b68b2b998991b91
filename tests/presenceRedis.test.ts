/**
 * Presence across hosts through a real redis-server: two scx processes (`scx serve`, one
 * worker thread each) share one member list; SIGKILL one (no goodbye) and its members
 * vanish from the other host's #presence within `presence.ttl` (3 s here), with #leave
 * events sent by the surviving host.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";

const ttl = 3;

async function readyz(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (response?.status === 200) return;
    await Bun.sleep(50);
  }
  throw new Error("scx never became ready");
}

type Client = RawSocket & { id: string; cid: number; events: any[] };

async function invoke(socket: Client, event: string, data: unknown): Promise<any> {
  const cid = ++socket.cid;
  socket.send({ event, data, cid });
  for (;;) {
    const got = await socket.nextPacket(10_000);
    if (got.rid === cid) return got;
    socket.events.push(got);
  }
}

async function nextEvent(socket: Client, ms: number): Promise<any> {
  return socket.events.shift() ?? socket.nextPacket(ms);
}

describe("presence across scx processes through Redis", () => {
  let redis: RedisProcess;
  const procs: CliProcess[] = [];
  const sockets: RawSocket[] = [];
  let config: string;
  const cli = new URL("../cli.ts", import.meta.url).pathname;
  const start = async () => {
    const proc = await startCli([process.execPath, cli, "serve", config]);
    procs.push(proc);
    await readyz(proc.port);
    return proc;
  };
  const client = async (port: number): Promise<Client> => {
    const socket = Object.assign(await handshaken(`ws://127.0.0.1:${port}/socketcluster/`), { cid: 10, events: [] as any[] });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    redis = await startRedis();
    const dir = mkdtempSync(`${tmpdir()}/scx-presence-`);
    config = `${dir}/scx.yaml`;
    writeFileSync(config, `host: 127.0.0.1\nport: 0\nworkers: 1\nlogFormat: json\n` +
      `cluster:\n  engine: redis\n  urls: ["${redis.url}"]\n  prefix: "pp:"\n` +
      `presence:\n  ttl: ${ttl}\n` +
      `channels:\n  - match: "room/*"\n    joinLeave: true\n`);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.ws.close();
    for (const proc of procs) proc.kill();
    await redis?.stop();
  });

  test("#presence: members of both hosts appear on both; SIGKILL one host and its members vanish within presence.ttl, with #leave", async () => {
    const ch = "room/kill";
    const one = await start();
    const two = await start();
    const a = await client(one.port);
    const b1 = await client(two.port);
    const b2 = await client(two.port);
    for (const socket of [a, b1, b2]) expect((await invoke(socket, "#subscribe", { channel: ch })).error).toBeUndefined();
    const all = [a.id, b1.id, b2.id].sort();
    for (const socket of [a, b1]) {
      const { data } = await invoke(socket, "#presence", { channel: ch });
      expect(data.members.map((m: any) => m.client).sort()).toEqual(all);
    }
    expect((await invoke(a, "#presenceStats", { channel: ch })).data).toEqual({ clients: 3, users: 0 });
    // a saw both of host two's members join, through Redis.
    const joins = [await nextEvent(a, 5000), await nextEvent(a, 5000)];
    expect(joins.map((j) => [j.event, j.data.member.client]).sort()).toEqual([["#join", b1.id], ["#join", b2.id]].sort());
    two.kill("SIGKILL");
    await two.proc.exited;
    const killedAt = Date.now();
    const leaves = [await nextEvent(a, ttl * 1000 + 3000), await nextEvent(a, ttl * 1000 + 3000)];
    const within = Date.now() - killedAt;
    expect(leaves.map((l) => l.event)).toEqual(["#leave", "#leave"]);
    expect(leaves.map((l) => l.data.member.client).sort()).toEqual([b1.id, b2.id].sort());
    expect(within).toBeLessThan(ttl * 1000 + 500);
    expect((await invoke(a, "#presence", { channel: ch })).data.members).toEqual([{ client: a.id, user: null, info: null }]);
    expect((await invoke(a, "#presenceStats", { channel: ch })).data).toEqual({ clients: 1, users: 0 });
  }, 40_000);
});
