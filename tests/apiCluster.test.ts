/**
 * The server HTTP API over real HTTP against two hosts (each with 2 socket worker
 * threads) sharing a real redis-server: answers never depend on which worker or host got
 * the request (issue 13, "Show").
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import type { RawSocket } from "./helpers/rawSocket.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { apiClient, apiKey, authKey, nextMatching, subscribed, userSocket } from "./helpers/apiClient.ts";

let redis: RedisProcess;
const hosts: ScxServer[] = [];
const sockets: RawSocket[] = [];

const url = (host: ScxServer) => `ws://127.0.0.1:${host.port}/socketcluster/`;
const api = (host: ScxServer) => apiClient(`http://127.0.0.1:${host.port}`);

/** Connections per worker thread of this host. */
async function perWorker(host: ScxServer): Promise<number[]> {
  const [answer] = await host.control.ask<{ connections: number }>("stats", {}, { scope: "host" });
  return answer!.threads.map((thread) => thread.value?.connections ?? -1);
}

/** Open sockets as `user` on a host until both of its workers hold at least one (reusePort spreads them at random). */
async function onEveryWorker(host: ScxServer, user: string | null, channel?: string): Promise<Array<RawSocket & { id: string }>> {
  const opened: Array<RawSocket & { id: string }> = [];
  const before = await perWorker(host);
  for (let i = 0; i < 60; i++) {
    const socket = await userSocket(url(host), user);
    sockets.push(socket);
    opened.push(socket);
    if (channel) await subscribed(socket, channel, 2);
    const now = await perWorker(host);
    if (opened.length >= 2 && now.every((n, w) => n > before[w]!)) return opened;
  }
  throw new Error("reusePort never gave both workers a connection");
}

beforeAll(async () => {
  redis = await startRedis();
  for (let i = 0; i < 2; i++) {
    const host = createServer({
      host: "127.0.0.1", port: 0, workers: 2, logLevel: "silent",
      // Raw test sockets do not answer pings: on a loaded machine this file can outlast the
      // default 20 s pingTimeout, and sockets closing mid-test change the counts compared.
      pingTimeout: 300_000,
      auth: { key: authKey }, api: { key: apiKey },
      cluster: { engine: "redis", urls: [redis.url], prefix: "apitest:" },
      channels: [{ match: "kept/*", history: { size: 10, ttl: 60 } }],
    });
    await host.start();
    hosts.push(host);
  }
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.ws.close();
  for (const host of hosts) await host.stop();
  await redis.stop();
}, 30_000);

describe("server API across two hosts with 2 workers each", () => {
  test("POST /api/publish on one host reaches subscribers on every worker of both hosts", async () => {
    const channel = "news/1";
    const subscribers = [...await onEveryWorker(hosts[0]!, null, channel), ...await onEveryWorker(hosts[1]!, null, channel)];
    const answer = await api(hosts[1]!).post("/publish", { channel, data: { text: "hello" } });
    expect(answer).toEqual({ status: 200, body: {} });
    for (const socket of subscribers) {
      expect((await nextMatching(socket, (p) => p.event === "#publish")).data).toEqual({ channel, data: { text: "hello" } });
    }
  }, 60_000);

  test("POST /api/broadcast publishes to each channel, and /api/publish on a history channel answers offset and epoch", async () => {
    const a = (await onEveryWorker(hosts[0]!, null, "b/1"))[0]!;
    const b = (await onEveryWorker(hosts[1]!, null, "b/2"))[0]!;
    const answer = await api(hosts[0]!).post("/broadcast", { channels: ["b/1", "b/2"], data: 7 });
    expect(answer).toEqual({ status: 200, body: { responses: [{}, {}] } });
    expect((await nextMatching(a, (p) => p.event === "#publish")).data).toEqual({ channel: "b/1", data: 7 });
    expect((await nextMatching(b, (p) => p.event === "#publish")).data).toEqual({ channel: "b/2", data: 7 });

    const first = await api(hosts[0]!).post("/publish", { channel: "kept/1", data: "one" });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ offset: 1, epoch: expect.any(String) });
    const history = await api(hosts[1]!).get("/history?channel=kept/1&limit=5");
    expect(history).toEqual({ status: 200, body: { publications: [{ offset: 1, data: "one" }], offset: 1, epoch: first.body.epoch } });
  }, 60_000);

  test("GET /api/channels and server.api.channels() count subscribers over every worker and host; pattern filters", async () => {
    const onA = await onEveryWorker(hosts[0]!, null, "room/42");
    const onB = await onEveryWorker(hosts[1]!, null, "room/42");
    for (const host of hosts) {
      const { status, body } = await api(host).get("/channels?pattern=room/*");
      expect(status).toBe(200);
      expect(body.channels).toEqual([{ channel: "room/42", subscribers: onA.length + onB.length }]);
    }
    // The library's server.api (main thread, no HTTP) answers the same.
    expect(await hosts[1]!.api.channels("room/*")).toEqual({ channels: [{ channel: "room/42", subscribers: onA.length + onB.length }] });
    const all = (await api(hosts[0]!).get("/channels")).body.channels.map((c: any) => c.channel);
    expect(all).toEqual(expect.arrayContaining(["room/42", "news/1"]));
  }, 60_000);

  test("GET /api/info has one entry per host, with its workers and connection counts", async () => {
    // The counts are compared with each worker's own, read just before and after: a stray
    // client (an earlier test file's socket reconnecting to a reused port) can come and go
    // in between, so the comparison is made on a round where nothing changed meanwhile.
    const totals = () => Promise.all(hosts.map(async (host) => (await perWorker(host)).reduce((a, b) => a + b, 0)));
    let before: number[] = [], after: number[] = [], answer: { status: number; body: any } = { status: 0, body: null };
    for (let round = 0; round < 10; round++) {
      before = await totals();
      answer = await api(hosts[0]!).get("/info");
      after = await totals();
      if (before.every((n, i) => n === after[i])) break;
    }
    expect(after).toEqual(before);
    const { status, body } = answer;
    expect(status).toBe(200);
    expect(body.nodes.length).toBe(2);
    const hostIds = hosts.map((host) => (host.control as any).hostId);
    // A copy is sorted: hostIds keeps the order of `after` for the lookups below.
    expect(body.nodes.map((n: any) => n.id).sort()).toEqual([...hostIds].sort());
    for (const node of body.nodes) {
      expect(node).toMatchObject({ version: expect.any(String), workers: 2, brokers: 1 });
      expect(node.error).toBeUndefined();
      expect(node.connections).toBe(after[hostIds.indexOf(node.id)]);
      expect(node.channels).toBeGreaterThan(0);
    }
  }, 60_000);

  test("POST /api/disconnect by user closes that user's connections on both hosts and counts them", async () => {
    const ann = [...await onEveryWorker(hosts[0]!, "ann"), ...await onEveryWorker(hosts[1]!, "ann")];
    const bob = await userSocket(url(hosts[0]!), "bob");
    sockets.push(bob);
    const answer = await api(hosts[1]!).post("/disconnect", { user: "ann", code: 4100, reason: "bye" });
    expect(answer).toEqual({ status: 200, body: { disconnected: ann.length } });
    for (const socket of ann) expect(await socket.closed).toEqual({ code: 4100, reason: "bye" });
    // bob is untouched: he still answers
    bob.send({ event: "#subscribe", data: { channel: "still" }, cid: 9 });
    expect((await nextMatching(bob, (p) => p.rid === 9)).rid).toBe(9);
    expect(await api(hosts[0]!).post("/disconnect", { user: "ann" })).toEqual({ status: 200, body: { disconnected: 0 } });
  }, 60_000);

  test("POST /api/subscribe and /api/unsubscribe act on a user's connections on both hosts", async () => {
    const cat = [...await onEveryWorker(hosts[0]!, "cat"), ...await onEveryWorker(hosts[1]!, "cat")];
    const sub = await api(hosts[0]!).post("/subscribe", { channel: "srv/1", user: "cat" });
    expect(sub).toEqual({ status: 200, body: { subscribed: cat.length } });
    for (const socket of cat) expect((await nextMatching(socket, (p) => p.event === "#subscribe")).data).toEqual({ channel: "srv/1" });
    await api(hosts[1]!).post("/publish", { channel: "srv/1", data: "pushed" });
    for (const socket of cat) expect((await nextMatching(socket, (p) => p.event === "#publish")).data).toEqual({ channel: "srv/1", data: "pushed" });

    const unsub = await api(hosts[1]!).post("/unsubscribe", { channel: "srv/1", user: "cat" });
    expect(unsub).toEqual({ status: 200, body: { unsubscribed: cat.length } });
    for (const socket of cat) expect((await nextMatching(socket, (p) => p.event === "#kickOut")).data).toEqual({ channel: "srv/1" });
    expect((await api(hosts[0]!).get("/channels?pattern=srv/*")).body).toEqual({ channels: [] });
  }, 60_000);
});
