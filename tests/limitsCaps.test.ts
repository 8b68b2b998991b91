/**
 * Connection caps: limits.connectionsPerUser (the token's sub) and connectionsPerIp, on
 * handshake and on a later #authenticate, counted across worker threads on one host and
 * across hosts through a real redis-server; a disconnect frees the slot.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { rawSocket, type RawSocket } from "./helpers/rawSocket.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { CloseCode } from "../src/protocol/closeCodes.ts";
import { ErrorName } from "../src/protocol/errorNames.ts";
import { RedisConnectionCaps } from "../src/cluster/redisCaps.ts";
import { MemoryConnectionCaps } from "../src/cluster/ConnectionCapStore.ts";
import { createClient } from "redis";

const key = "limits-caps-test-key-0123456789abcdef";
const auth = { key };

function token(sub: string): Promise<string> {
  return new SignJWT({ sub }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(new TextEncoder().encode(key));
}

/** Open a socket and send #handshake; resolves with the reply and the socket. */
async function handshake(url: string, authToken: string | null): Promise<{ socket: RawSocket; reply: any }> {
  const socket = rawSocket(url);
  await socket.opened;
  socket.send({ event: "#handshake", data: { authToken }, cid: 1 });
  return { socket, reply: await socket.nextPacket(10_000) };
}

async function expectRefused(url: string, authToken: string | null): Promise<void> {
  const { socket, reply } = await handshake(url, authToken);
  expect(reply.error.name).toBe(ErrorName.ConnectionLimit);
  expect(reply.error.statusCode).toBe(CloseCode.ConnectionLimit);
  expect((await socket.closed).code).toBe(CloseCode.ConnectionLimit);
}

async function expectAdmitted(url: string, authToken: string | null): Promise<RawSocket> {
  const { socket, reply } = await handshake(url, authToken);
  expect(reply.error).toBeUndefined();
  expect(reply.data.id).toBeString();
  return socket;
}

/** A freed slot reaches the broker (and Redis) a moment after the close: retry until admitted. */
async function eventuallyAdmitted(url: string, authToken: string | null): Promise<RawSocket> {
  const until = Date.now() + 10_000;
  for (;;) {
    const { socket, reply } = await handshake(url, authToken);
    if (!reply.error) return socket;
    await socket.closed;
    if (Date.now() > until) throw new Error("The slot was never freed");
    await Bun.sleep(50);
  }
}

async function close(socket: RawSocket): Promise<void> {
  socket.ws.close();
  await socket.closed;
}

describe("connectionsPerUser on one host", () => {
  for (const workers of [0, 2]) {
    test(`admitConnection refuses a third connection of the same user with ConnectionLimitError and 4012, and a disconnect frees the slot (workers: ${workers})`, async () => {
      const scx = await startScx({ auth, workers, limits: { connectionsPerUser: 2 } });
      try {
        const alice = await token("alice");
        const first = await expectAdmitted(scx.url, alice);
        const second = await expectAdmitted(scx.url, alice);
        await expectRefused(scx.url, alice);
        // Other users and anonymous sockets are not affected.
        const bob = await expectAdmitted(scx.url, await token("bob"));
        const anonymous = await expectAdmitted(scx.url, null);
        await close(first);
        const third = await eventuallyAdmitted(scx.url, alice);
        for (const socket of [second, third, bob, anonymous]) await close(socket);
      } finally {
        await scx.stop();
      }
    }, 30_000);
  }

  test("admitConnection checks a later #authenticate: the user at the cap is closed with 4012, and #removeAuthToken frees the slot", async () => {
    const scx = await startScx({ auth, limits: { connectionsPerUser: 1 } });
    try {
      const alice = await token("alice");
      const first = await expectAdmitted(scx.url, alice);
      const late = await expectAdmitted(scx.url, null);
      late.send({ event: "#authenticate", data: alice, cid: 2 });
      expect((await late.closed).code).toBe(CloseCode.ConnectionLimit);
      first.send({ event: "#removeAuthToken" });
      const again = await expectAdmitted(scx.url, null);
      again.send({ event: "#authenticate", data: alice, cid: 2 });
      const until = Date.now() + 10_000;
      // The #removeAuthToken's release may still be on its way to the broker: retry on a fresh socket.
      let reply = await again.nextPacket();
      let socket = again;
      while (reply.data?.isAuthenticated !== true) {
        await socket.closed;
        if (Date.now() > until) throw new Error("The slot was never freed");
        socket = await expectAdmitted(scx.url, null);
        socket.send({ event: "#authenticate", data: alice, cid: 2 });
        reply = await socket.nextPacket();
      }
      expect(reply).toEqual({ rid: 2, data: { isAuthenticated: true, authError: null } });
      await close(first);
      await close(socket);
    } finally {
      await scx.stop();
    }
  }, 30_000);
});

describe("connectionsPerIp", () => {
  test("admitConnection refuses a third connection from one address across two worker threads", async () => {
    const scx = await startScx({ workers: 2, limits: { connectionsPerIp: 2 } });
    try {
      const sockets = [await expectAdmitted(scx.url, null), await expectAdmitted(scx.url, null)];
      for (let i = 0; i < 3; i++) await expectRefused(scx.url, null);
      await close(sockets.shift()!);
      sockets.push(await eventuallyAdmitted(scx.url, null));
      for (const socket of sockets) await close(socket);
    } finally {
      await scx.stop();
    }
  }, 30_000);
});

describe("connectionsPerUser across hosts through Redis", () => {
  let redis: RedisProcess;
  let hostA: StartedScx;
  let hostB: StartedScx;
  beforeAll(async () => {
    redis = await startRedis();
    const cluster = { engine: "redis" as const, urls: [redis.url], prefix: "caps:" };
    hostA = await startScx({ auth, cluster, limits: { connectionsPerUser: 2 } });
    hostB = await startScx({ auth, cluster, workers: 2, brokers: 2, limits: { connectionsPerUser: 2 } });
    for (const host of [hostA, hostB]) {
      while ((await fetch(`http://127.0.0.1:${host.port}/readyz`)).status !== 200) await Bun.sleep(20);
    }
  });
  afterAll(async () => {
    await hostA?.stop();
    await hostB?.stop();
    await redis?.stop();
  });

  test("RedisConnectionCaps holds the cap across two hosts, and a disconnect on one host frees the slot for the other", async () => {
    const carol = await token("carol");
    const onA = await expectAdmitted(hostA.url, carol);
    const onB = await expectAdmitted(hostB.url, carol);
    await expectRefused(hostA.url, carol);
    await expectRefused(hostB.url, carol);
    await close(onA);
    const again = await eventuallyAdmitted(hostB.url, carol);
    await expectRefused(hostA.url, carol);
    await close(onB);
    await close(again);
  }, 30_000);

  test("RedisConnectionCaps stops counting a host that stopped beating within its liveness", async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const send = (_key: string, args: string[]) => client.sendCommand(args);
      const sendEvery = (args: string[]) => [client.sendCommand(args)];
      const dead = new RedisConnectionCaps({ prefix: "killed:", send, sendEvery, hostId: "dead", livenessMs: 300 });
      const live = new RedisConnectionCaps({ prefix: "killed:", send, sendEvery, hostId: "live", livenessMs: 300 });
      expect(await dead.acquire("user:dave", 1)).toBe(true);
      expect(await live.acquire("user:dave", 1)).toBe(false);
      // The host is killed: no release, no more beats.
      await dead.close();
      const until = Date.now() + 5000;
      while (!(await live.acquire("user:dave", 1))) {
        if (Date.now() > until) throw new Error("The dead host's slot still counts");
        await Bun.sleep(50);
      }
      expect(await client.hGetAll("killed:cap:user:dave")).toEqual({ live: "1" });
      live.release("user:dave");
      await live.close();
    } finally {
      await client.quit();
    }
  }, 20_000);
});

describe("MemoryConnectionCaps", () => {
  test("MemoryConnectionCaps.acquire() takes slots up to the limit, Infinity always, and release() never goes below zero", () => {
    const caps = new MemoryConnectionCaps();
    expect([caps.acquire("k", 2), caps.acquire("k", 2), caps.acquire("k", 2)]).toEqual([true, true, false]);
    expect(caps.acquire("k", Infinity)).toBe(true);
    expect(caps.count("k")).toBe(3);
    for (let i = 0; i < 5; i++) caps.release("k");
    expect(caps.count("k")).toBe(0);
    expect(caps.acquire("k", 1)).toBe(true);
  });
});
