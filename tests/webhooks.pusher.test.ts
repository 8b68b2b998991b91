/**
 * Pusher-format webhooks for Pusher apps, checked by the `pusher` server SDK's own
 * WebHook class (signature with X-Pusher-Key and X-Pusher-Signature, body, events), the
 * receiver an existing Pusher app already runs: channel_occupied, channel_vacated,
 * member_added and member_removed from subscribers, and client_event from the function a
 * protocol session calls (WorkerWebhooks.clientEvent) through the broker's webhooks; and
 * end to end with real pusher-js clients (presence members, a client event).
 */
import { afterAll, expect, test } from "bun:test";
import Pusher from "pusher";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { request, type RawSocket } from "./helpers/rawSocket.ts";
import { authKey, userSocket } from "./helpers/apiClient.ts";
import { configSchema } from "../src/config/schema.ts";
import { webhookTargets } from "../src/webhooks/targets.ts";
import { WorkerWebhooks } from "../src/webhooks/WorkerWebhooks.ts";
import { connectedClient, pusherApp, record, startAuthEndpoint, subscribed } from "./helpers/pusherClient.ts";
import { BrokerWebhooks } from "../src/webhooks/BrokerWebhooks.ts";

const app = { id: "42", key: "app-key-42", secret: "app-secret-42" };
const sdk = new Pusher({ appId: app.id, key: app.key, secret: app.secret, cluster: "mt1" });
const events: any[] = [];
let invalid = 0;
const jsApp = new Pusher({ appId: pusherApp.id, key: pusherApp.key, secret: pusherApp.secret, cluster: "mt1" });
const receiver = Bun.serve({
  hostname: "127.0.0.1", port: 0,
  async fetch(request) {
    const headers = Object.fromEntries(request.headers);
    const webhook = (headers["x-pusher-key"] === pusherApp.key ? jsApp : sdk).webhook({ headers, rawBody: await request.text() });
    if (!webhook.isValid()) {
      invalid++;
      return new Response("invalid", { status: 401 });
    }
    events.push(...webhook.getEvents());
    return new Response("ok");
  },
});
const url = `http://127.0.0.1:${receiver.port}/pusher/webhooks`;
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await receiver.stop(true);
});

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out; got ${JSON.stringify(events)}`);
    await Bun.sleep(20);
  }
}

async function connect(server: ScxServer, user: string): Promise<RawSocket> {
  const socket = await userSocket(`ws://127.0.0.1:${server.port}/socketcluster/`, user);
  cleanups.push(() => socket.ws.close());
  return socket;
}

test("Pusher-format webhooks pass the pusher SDK's WebHook check: occupied, member_added per user, member_removed, vacated", async () => {
  const server = createServer({
    host: "127.0.0.1", port: 0, logLevel: "error", workers: 0, auth: { key: authKey },
    channels: [{ match: "presence-room", presence: true }],
    pusher: { apps: [{ ...app, webhooks: [{ url, events: ["channel_occupied", "channel_vacated", "member_added", "member_removed"] }] }] },
  });
  cleanups.push(() => server.stop());
  await server.start();
  const [ann1, ann2] = [await connect(server, "ann"), await connect(server, "ann")];
  await request(ann1, "#subscribe", { channel: "presence-room" });
  await request(ann2, "#subscribe", { channel: "presence-room" });
  await request(ann1, "#unsubscribe", "presence-room");
  await request(ann2, "#unsubscribe", "presence-room");
  await until(() => events.some((e) => e.name === "channel_vacated"));
  expect(events).toEqual([
    { name: "channel_occupied", channel: "presence-room" },
    { name: "member_added", channel: "presence-room", user_id: "ann" },
    { name: "member_removed", channel: "presence-room", user_id: "ann" },
    { name: "channel_vacated", channel: "presence-room" },
  ]);
  expect(invalid).toBe(0);
}, 60_000);

test("WorkerWebhooks.clientEvent() reaches the app's Pusher-format webhook as client_event (via BrokerWebhooks)", async () => {
  events.length = 0;
  const config = configSchema.parse({ pusher: { apps: [{ ...app, webhooks: [{ url, events: ["client_event"] }] }, { id: "7", key: "other", secret: "other-secret", webhooks: [{ url, events: ["client_event"] }] }] } });
  const targets = webhookTargets(config);
  const broker = new BrokerWebhooks(targets);
  cleanups.push(() => broker.close());
  const worker = new WorkerWebhooks(targets, (_channel, event) => broker.event(event));
  worker.clientEvent({ app: app.id, channel: "private-chat", event: "client-typing", data: '{"on":true}', socketId: "123.456", userId: null });
  worker.clientEvent({ app: app.id, channel: "presence-room", event: "client-wave", data: "{}", socketId: "123.457", userId: "ann" });
  await until(() => events.length === 2);
  expect(events).toEqual([
    { name: "client_event", channel: "private-chat", event: "client-typing", data: '{"on":true}', socket_id: "123.456" },
    { name: "client_event", channel: "presence-room", event: "client-wave", data: "{}", socket_id: "123.457", user_id: "ann" },
  ]);
  expect(invalid).toBe(0);
}, 60_000);

test("pusher-js presence members and a client event reach the app's Pusher webhooks as Pusher sends them", async () => {
  events.length = 0;
  const auth = startAuthEndpoint();
  cleanups.push(() => auth.stop());
  const server = createServer({
    host: "127.0.0.1", port: 0, logLevel: "error", workers: 1,
    pusher: { apps: [{ ...pusherApp, webhooks: [{ url, events: ["channel_occupied", "channel_vacated", "member_added", "member_removed", "client_event"] }] }] },
  });
  cleanups.push(() => server.stop());
  await server.start();
  const ann = await connectedClient(server.port, auth, { presence: { user_id: "ann" } });
  const bob = await connectedClient(server.port, auth, { presence: { user_id: "bob" } });
  const { channel: atAnn } = await subscribed(ann, "presence-room");
  const { channel: atBob } = await subscribed(bob, "presence-room");
  const typing = record(atBob, "client-typing");
  await until(() => events.filter((e) => e.name === "member_added").length === 2);
  expect(atAnn.trigger("client-typing", { text: "hi" })).toBe(true);
  await typing.until(1);
  await until(() => events.some((e) => e.name === "client_event"));
  ann.disconnect();
  bob.disconnect();
  await until(() => events.some((e) => e.name === "channel_vacated"));
  expect(events).toEqual([
    { name: "channel_occupied", channel: "presence-room" },
    { name: "member_added", channel: "presence-room", user_id: "ann" },
    { name: "member_added", channel: "presence-room", user_id: "bob" },
    { name: "client_event", channel: "presence-room", event: "client-typing", data: '{"text":"hi"}', socket_id: ann.connection.socket_id, user_id: "ann" },
    ...[{ name: "member_removed", channel: "presence-room", user_id: expect.any(String) }, { name: "member_removed", channel: "presence-room", user_id: expect.any(String) }],
    { name: "channel_vacated", channel: "presence-room" },
  ]);
  expect(events.filter((e) => e.name === "member_removed").map((e) => e.user_id).sort()).toEqual(["ann", "bob"]);
  expect(invalid).toBe(0);
}, 60_000);
