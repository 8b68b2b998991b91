/**
 * Pusher presence and client events across two hosts on a real redis-server (issue 16):
 * a user with connections on both hosts is one member (added once, removed after the
 * last), and a client event from one host reaches the other host's subscribers but not
 * its sender.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { type AuthEndpoint, connectedClient, pusherApp, record, startAuthEndpoint, subscribed } from "./helpers/pusherClient.ts";

let redis: RedisProcess;
let auth: AuthEndpoint;
const hosts: ScxServer[] = [];
const clients: any[] = [];
beforeAll(async () => {
  redis = await startRedis();
  auth = startAuthEndpoint();
  for (let i = 0; i < 2; i++) {
    const server = createServer({
      host: "127.0.0.1", port: 0, workers: 0, logLevel: "silent", pusher: { apps: [pusherApp] },
      channels: [{ match: "private-kept", history: { size: 10, ttl: 60 } }],
      cluster: { engine: "redis", urls: [redis.url], prefix: "pusher-redis:" },
    });
    await server.start();
    hosts.push(server);
  }
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const host of hosts) await host.stop();
  auth.stop();
  await redis.stop();
});

const on = async (host: number, options: Parameters<typeof connectedClient>[2]) => {
  const c = await connectedClient(hosts[host]!.port, auth, options);
  clients.push(c);
  return c;
};

test("PusherPresence across two hosts: one member per user_id, member_added once and member_removed after the last connection", async () => {
  const room = "presence-hosts";
  const ann = await on(0, { presence: { user_id: "ann" } });
  const { channel: annRoom } = await subscribed(ann, room);
  const added = record(annRoom, "pusher:member_added");
  const removed = record(annRoom, "pusher:member_removed");
  const bobB = await on(1, { presence: { user_id: "bob", user_info: { host: "b" } } });
  const { data: atB } = await subscribed(bobB, room);
  expect(atB.count).toBe(2);
  const bobA = await on(0, { presence: { user_id: "bob", user_info: { host: "a" } } });
  const { data: atA } = await subscribed(bobA, room);
  expect(atA.count).toBe(2);
  const cat = await on(1, { presence: { user_id: "cat" } });
  await subscribed(cat, room);
  expect((await added.until(2)).map((m: any) => m.id)).toEqual(["bob", "cat"]);

  bobB.disconnect();
  cat.disconnect();
  expect((await removed.until(1)).map((m: any) => m.id)).toEqual(["cat"]);
  bobA.disconnect();
  expect((await removed.until(2)).map((m: any) => m.id)).toEqual(["cat", "bob"]);
  expect(annRoom.members.count).toBe(1);
});

test("client events cross hosts to the other subscribers, never back to the sender", async () => {
  const a = await on(0, {});
  const b = await on(1, {});
  const { channel: ca } = await subscribed(a, "private-hosts");
  const { channel: cb } = await subscribed(b, "private-hosts");
  const echoes = record(ca, "client-ping");
  const pongs = record(ca, "client-pong");
  cb.bind("client-ping", (data: any) => cb.trigger("client-pong", data));
  ca.trigger("client-ping", { n: 7 });
  expect(await pongs.until(1)).toEqual([{ n: 7 }]);
  expect(echoes.seen).toEqual([]);
});

test("Exchange.publish({ skip }) on one host leaves out that socket on the other host, and only it", async () => {
  const skipped = await on(0, {});
  const other = await on(0, {});
  const { channel: cs } = await subscribed(skipped, "skip-hosts");
  const { channel: co } = await subscribed(other, "skip-hosts");
  const atSkipped = record(cs, "note");
  const atOther = record(co, "note");
  await hosts[1]!.exchange.publish("skip-hosts", { event: "note", data: "first" }, { skip: skipped.connection.socket_id });
  await hosts[1]!.exchange.publish("skip-hosts", { event: "note", data: "second" });
  expect(await atOther.until(2)).toEqual(["first", "second"]);
  expect(await atSkipped.until(1)).toEqual(["second"]);
});

test("on a history channel (the Redis store publishes to every host) a client event still skips its sender, here and there", async () => {
  const a = await on(0, {});
  const near = await on(0, {});
  const far = await on(1, {});
  const [ca, cn, cf] = [await subscribed(a, "private-kept"), await subscribed(near, "private-kept"), await subscribed(far, "private-kept")].map((s) => s.channel);
  const echoes = record(ca, "client-kept");
  const atNear = record(cn, "client-kept");
  const answers = record(ca, "client-answer");
  cf.bind("client-kept", (data: any) => cf.trigger("client-answer", data));
  ca.trigger("client-kept", { k: 1 });
  expect(await answers.until(1)).toEqual([{ k: 1 }]);
  expect(await atNear.until(1)).toEqual([{ k: 1 }]);
  expect(echoes.seen).toEqual([]);
});
