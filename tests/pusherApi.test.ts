/**
 * The Pusher HTTP API on one host with 2 socket worker threads, driven by the real
 * `pusher` server SDK pointed at scx (`host`, `port`, `useTLS: false`): trigger to one and
 * several channels, triggerBatch, channel queries, presence users and
 * terminateUserConnections, each seen by SocketCluster subscribers (raw sockets) as
 * `{ event, data }` publications; bad signatures, unknown apps and bad bodies refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Pusher from "pusher";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { signedQuery } from "../src/protocol/pusher/requestSignature.ts";
import { startScx } from "./helpers/startScx.ts";
import { authKey, nextMatching, subscribed, userSocket } from "./helpers/apiClient.ts";
import type { RawSocket } from "./helpers/rawSocket.ts";

const app = { id: "4242", key: "scx-pusher-key", secret: "scx-pusher-secret-0123" };
let server: ScxServer;
let port: number;
let pusher: Pusher;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = createServer({
    host: "127.0.0.1", port: 0, workers: 2, logLevel: "silent", auth: { key: authKey },
    pusher: { apps: [app] },
  });
  await server.start();
  port = server.port;
  pusher = new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: "127.0.0.1", port: String(port), useTLS: false });
}, 30_000);
afterAll(async () => {
  for (const socket of sockets) socket.ws.close();
  await server.stop();
});

async function subscriber(channels: string[], user: string | null = null): Promise<RawSocket & { id: string }> {
  const socket = await userSocket(`ws://127.0.0.1:${port}/socketcluster/`, user);
  sockets.push(socket);
  let cid = 10;
  for (const channel of channels) await subscribed(socket, channel, cid++);
  return socket;
}

const publishOn = (channel: string) => (packet: any) => packet.event === "#publish" && packet.data.channel === channel;

/** Several subscribers, until there is one on each of the 2 workers (the kernel spreads them). */
async function subscribersOnBothWorkers(channel: string): Promise<Array<RawSocket & { id: string }>> {
  const list: Array<RawSocket & { id: string }> = [];
  for (let i = 0; i < 6; i++) list.push(await subscriber([channel]));
  return list;
}

async function json(response: Response): Promise<any> {
  return response.json();
}

describe("events", () => {
  test("Pusher.trigger() to one channel reaches a SocketCluster subscriber as { event, data } with the JSON data parsed", async () => {
    const socket = await subscriber(["news"]);
    const response = await pusher.trigger("news", "greet", { text: "hi" });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({});
    expect((await nextMatching(socket, publishOn("news"))).data).toEqual({ channel: "news", data: { event: "greet", data: { text: "hi" } } });
  });

  test("Pusher.trigger() with data that is not JSON text delivers the string as it is", async () => {
    const socket = await subscriber(["plain-text"]);
    await pusher.trigger("plain-text", "say", "hello there");
    expect((await nextMatching(socket, publishOn("plain-text"))).data.data).toEqual({ event: "say", data: "hello there" });
  });

  test("Pusher.trigger() to several channels reaches every subscriber of each (6 per channel, spread over 2 workers)", async () => {
    const channels = ["multi-a", "multi-b", "multi-c"];
    const list = await Promise.all(channels.map((channel) => subscribersOnBothWorkers(channel)));
    await pusher.trigger(channels, "tick", { n: 1 });
    for (const [index, channel] of channels.entries()) {
      for (const socket of list[index]!) {
        expect((await nextMatching(socket, publishOn(channel))).data.data).toEqual({ event: "tick", data: { n: 1 } });
      }
    }
  });

  test("Pusher.triggerBatch() publishes each event to its channel, in order per channel", async () => {
    const socket = await subscriber(["batch-a", "batch-b"]);
    const response = await pusher.triggerBatch([
      { channel: "batch-a", name: "one", data: { i: 1 } },
      { channel: "batch-b", name: "two", data: "text" },
      { channel: "batch-a", name: "three", data: { i: 3 } },
    ]);
    expect(await json(response)).toEqual({});
    const seen: any[] = [];
    for (let i = 0; i < 3; i++) seen.push((await nextMatching(socket, (p) => p.event === "#publish")).data);
    expect(seen.filter((p) => p.channel === "batch-a").map((p) => p.data)).toEqual([{ event: "one", data: { i: 1 } }, { event: "three", data: { i: 3 } }]);
    expect(seen.filter((p) => p.channel === "batch-b").map((p) => p.data)).toEqual([{ event: "two", data: "text" }]);
  });

  test("POST /apps/{id}/events with info=subscription_count answers the counts of every channel", async () => {
    await subscribersOnBothWorkers("counted");
    const response = await pusher.trigger(["counted", "empty-one"], "x", {}, { info: "subscription_count" });
    expect(await json(response)).toEqual({ channels: { counted: { subscription_count: 6 }, "empty-one": { subscription_count: 0 } } });
  });
});

describe("channel queries", () => {
  test("GET /apps/{id}/channels lists occupied channels cluster-wide, filter_by_prefix and subscription_count", async () => {
    await subscribersOnBothWorkers("query-x");
    await subscriber(["query-y"]);
    await subscriber(["other"]);
    // Whichever worker gets the request, the answer counts the subscribers on the other one too.
    for (let i = 0; i < 4; i++) {
      const all = await json(await pusher.get({ path: "/channels" }));
      expect(all.channels["query-x"]).toEqual({});
      expect(all.channels["other"]).toEqual({});
      const filtered = await json(await pusher.get({ path: "/channels", params: { filter_by_prefix: "query-", info: "subscription_count" } }));
      expect(filtered).toEqual({ channels: { "query-x": { subscription_count: 6 }, "query-y": { subscription_count: 1 } } });
    }
  });

  test("GET /apps/{id}/channels/{name} says occupied and subscription_count; an empty channel is unoccupied", async () => {
    await subscribersOnBothWorkers("single");
    for (let i = 0; i < 4; i++) {
      expect(await json(await pusher.get({ path: "/channels/single", params: { info: "subscription_count" } }))).toEqual({ occupied: true, subscription_count: 6 });
    }
    expect(await json(await pusher.get({ path: "/channels/nobody-here" }))).toEqual({ occupied: false });
  });

  test("GET /apps/{id}/channels/{name} signs and answers for a name with every punctuation Pusher allows", async () => {
    const channel = "odd_name-=@,.;1";
    await subscriber([channel]);
    expect(await json(await pusher.get({ path: `/channels/${channel}`, params: { info: "subscription_count" } }))).toEqual({ occupied: true, subscription_count: 1 });
    expect((await json(await pusher.get({ path: "/channels", params: { filter_by_prefix: "odd_" } }))).channels).toEqual({ [channel]: {} });
  });

  test("GET /apps/{id}/channels/{name}/users lists a presence channel's users once each; user_count counts them", async () => {
    await subscriber(["presence-room"], "ann");
    await subscriber(["presence-room"], "ann");
    await subscriber(["presence-room"], "bob");
    for (let i = 0; i < 4; i++) {
      const { users } = await json(await pusher.get({ path: "/channels/presence-room/users" }));
      expect(users.map((u: { id: string }) => u.id).sort()).toEqual(["ann", "bob"]);
      expect(await json(await pusher.get({ path: "/channels/presence-room", params: { info: "user_count,subscription_count" } })))
        .toEqual({ occupied: true, user_count: 2, subscription_count: 3 });
    }
    const listed = await json(await pusher.get({ path: "/channels", params: { filter_by_prefix: "presence-", info: "user_count" } }));
    expect(listed).toEqual({ channels: { "presence-room": { user_count: 2 } } });
  });

  test("user_count on a channel that is not a presence channel, and users of one, answer 400", async () => {
    for (const request of [
      { path: "/channels/news", params: { info: "user_count" } },
      { path: "/channels", params: { info: "user_count" } },
      { path: "/channels/news/users" },
    ]) {
      const error = await pusher.get(request).then(() => null, (e) => e);
      expect(error?.status).toBe(400);
      expect(error.body).toContain("presence channels");
    }
  });
});

describe("users", () => {
  test("Pusher.terminateUserConnections() closes every connection of the user on both workers, not others'", async () => {
    const own = await Promise.all([1, 2, 3, 4, 5].map(() => subscriber([], "carol")));
    const other = await subscriber([], "dave");
    const response = await pusher.terminateUserConnections("carol");
    expect(await json(response)).toEqual({});
    for (const socket of own) expect((await socket.closed).code).toBeGreaterThanOrEqual(1000);
    // dave is still connected: a ping-free round trip (#subscribe) still answers.
    await subscribed(other, "still-here", 99);
  });
});

describe("where it is mounted", () => {
  test("the Pusher API stays on the public port when api.port moves /api/ to the main thread; without pusher.apps /apps/ is not there", async () => {
    const moved = await startScx({ api: { key: "moved-api-key-0123456789", port: 0 }, pusher: { apps: [app] } });
    try {
      expect(moved.server.apiPort).toBeGreaterThan(0);
      const sdk = new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: "127.0.0.1", port: String(moved.port), useTLS: false });
      expect(await json(await sdk.get({ path: "/channels" }))).toEqual({ channels: {} });
      expect((await fetch(`http://127.0.0.1:${moved.server.apiPort}/apps/${app.id}/channels`)).status).toBe(404);
    } finally {
      await moved.stop();
    }
    const off = await startScx({});
    try {
      expect((await fetch(`http://127.0.0.1:${off.port}/apps/${app.id}/channels`)).status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});

describe("signing and validation", () => {
  test("a wrong secret gets 401 with Pusher's invalid-signature message, and nothing is published", async () => {
    const socket = await subscriber(["guarded"]);
    const forged = new Pusher({ appId: app.id, key: app.key, secret: "not-the-secret-at-all", host: "127.0.0.1", port: String(port), useTLS: false });
    const error = await forged.trigger("guarded", "x", {}).then(() => null, (e) => e);
    expect(error?.status).toBe(401);
    expect(error.body).toStartWith('Invalid signature: you should have sent HmacSHA256Hex("POST\\n/apps/4242/events\\nauth_key=scx-pusher-key&auth_timestamp=');
    expect((await forged.get({ path: "/channels" }).then(() => null, (e) => e))?.status).toBe(401);
    await pusher.trigger("guarded", "after", {});
    expect((await nextMatching(socket, publishOn("guarded"))).data.data.event).toBe("after");
  });

  test("an unknown app id gets 404; a wrong auth_key 401", async () => {
    const stranger = new Pusher({ appId: "999", key: app.key, secret: app.secret, host: "127.0.0.1", port: String(port), useTLS: false });
    const notFound = await stranger.trigger("news", "x", {}).then(() => null, (e) => e);
    expect(notFound?.status).toBe(404);
    expect(notFound.body).toBe('Unknown app "999"');
    const wrongKey = new Pusher({ appId: app.id, key: "other-key", secret: app.secret, host: "127.0.0.1", port: String(port), useTLS: false });
    const unauthorized = await wrongKey.trigger("news", "x", {}).then(() => null, (e) => e);
    expect(unauthorized?.status).toBe(401);
    expect(unauthorized.body).toBe('Unknown auth_key "other-key"');
  });

  test("an auth_timestamp over 600 s off, a body_md5 that does not match, or no signature gets 401", async () => {
    const path = `/apps/${app.id}/events`;
    const body = JSON.stringify({ name: "x", data: "{}", channel: "news" });
    const post = (query: Record<string, string>, text = body) =>
      fetch(`http://127.0.0.1:${port}${path}?${new URLSearchParams(query)}`, { method: "POST", body: text, headers: { "content-type": "application/json" } });
    const old = await post(signedQuery(app, { method: "POST", path, body, timestamp: Math.floor(Date.now() / 1000) - 601 }));
    expect(old.status).toBe(401);
    expect(await old.text()).toMatch(/^Timestamp expired: Given timestamp \(.+\) not within 600s of server time \(.+\)$/);
    const tampered = await post(signedQuery(app, { method: "POST", path, body }), body.replace("news", "other"));
    expect({ status: tampered.status, text: await tampered.text() }).toEqual({ status: 401, text: "Invalid body_md5: it is not the hex MD5 of the request body" });
    const { auth_signature: _, ...unsigned } = signedQuery(app, { method: "POST", path, body });
    const missing = await post(unsigned);
    expect({ status: missing.status, text: await missing.text() }).toEqual({ status: 401, text: "Missing authentication parameter: auth_signature" });
    const good = await post(signedQuery(app, { method: "POST", path, body }));
    expect(good.status).toBe(200);
  });

  test("event data over 10 KB gets 413, as Pusher answers, in an event and in a batch", async () => {
    const big = "x".repeat(10 * 1024 + 1);
    for (const attempt of [pusher.trigger("news", "big", big), pusher.triggerBatch([{ channel: "news", name: "ok", data: "small" }, { channel: "news", name: "big", data: big }])]) {
      const error = await attempt.then(() => null, (e) => e);
      expect(error?.status).toBe(413);
      expect(error.body).toBe("Event data too large: 10241 bytes, more than 10240");
    }
    expect((await pusher.trigger("news", "fits", "x".repeat(10 * 1024))).status).toBe(200);
  });

  test("an event a channel's contract refuses gets 400 and reaches nobody; one it accepts goes out", async () => {
    const guarded = await startScx({ pusher: { apps: [app] }, contracts: { file: new URL("./fixtures/pusher-api/contracts.ts", import.meta.url).pathname } });
    try {
      const sdk = new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: "127.0.0.1", port: String(guarded.port), useTLS: false });
      const socket = await userSocket(guarded.url, null);
      sockets.push(socket);
      await subscribed(socket, "orders", 2);
      const error = await sdk.trigger("orders", "shipped", { id: "seven" }).then(() => null, (e) => e);
      expect(error?.status).toBe(400);
      expect(error.body).toStartWith("Publish failed: ");
      expect((await sdk.trigger("orders", "shipped", { id: 7 })).status).toBe(200);
      // The first publication the subscriber gets is the accepted one.
      expect((await nextMatching(socket, publishOn("orders"))).data.data).toEqual({ event: "shipped", data: { id: 7 } });
    } finally {
      await guarded.stop();
    }
  });

  const invalid: Array<[string, unknown, string]> = [
    ["/events", { name: "x", data: "{}" }, 'Invalid request body: "channels": give either channel or channels, not both or neither'],
    ["/events", { name: "x", data: "{}", channel: "a", channels: ["b"] }, 'Invalid request body: "channels": give either channel or channels, not both or neither'],
    ["/events", { name: "x", data: { a: 1 }, channel: "a" }, 'Invalid request body: "data": expected a string'],
    ["/events", { name: "x", channel: "a" }, 'Invalid request body: "data": expected a string (required)'],
    ["/events", { name: "", data: "{}", channel: "a" }, 'Invalid request body: "name": expected a non-empty event name'],
    ["/events", { name: "x", data: "{}", channel: "chat/1" }, 'Invalid request body: "channel": expected only letters, digits and _ - = @ , . ;'],
    ["/events", { name: "x", data: "{}", channels: Array.from({ length: 101 }, (_, i) => `c${i}`) }, 'Invalid request body: "channels": expected at most 100 channels'],
    ["/events", { name: "x", data: "{}", channel: "a", socket_id: "abc" }, 'Invalid request body: "socket_id": expected a socket id like "123.456"'],
    ["/batch_events", { batch: Array.from({ length: 11 }, () => ({ name: "x", data: "{}", channel: "a" })) }, 'Invalid request body: "batch": expected at most 10 events'],
    ["/batch_events", { batch: [{ name: "x", data: "{}" }] }, 'Invalid request body: "batch.0.channel": expected string'],
    ["/events", "{not json", "Invalid request body: not JSON"],
  ];
  for (const [path, body, message] of invalid) {
    test(`POST /apps/{id}${path} with ${typeof body === "string" ? body : JSON.stringify(body).slice(0, 60)} answers 400 naming the field`, async () => {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      const full = `/apps/${app.id}${path}`;
      const response = await fetch(`http://127.0.0.1:${port}${full}?${new URLSearchParams(signedQuery(app, { method: "POST", path: full, body: text }))}`,
        { method: "POST", body: text, headers: { "content-type": "application/json" } });
      expect(response.status).toBe(400);
      expect(await response.text()).toStartWith(message);
    });
  }
});
