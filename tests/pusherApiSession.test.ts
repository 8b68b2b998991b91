/**
 * The Pusher HTTP API seen by Pusher clients: pusher-js (its Node build) subscribers on a
 * host with 2 worker threads receive what the `pusher` server SDK triggers, `socket_id`
 * leaves one connection out, presence channels list pusher-js members by `user_id`, and
 * terminateUserConnections closes the connections a user signed in on (`pusher:signin`).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import PusherJs from "pusher-js";
import Pusher from "pusher";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";

const app = { id: "session", key: "session-key", secret: "session-secret-0123" };
let server: ScxServer;
let pusher: Pusher;
const clients: PusherJs[] = [];

beforeAll(async () => {
  server = createServer({
    host: "127.0.0.1", port: 0, workers: 2, logLevel: "silent", pusher: { apps: [app] },
    channels: [{ match: "kept-room", history: { size: 10, ttl: 60 } }],
  });
  await server.start();
  pusher = new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: "127.0.0.1", port: String(server.port), useTLS: false });
}, 30_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await server.stop();
});

/** A pusher-js client whose channel auth and user auth are signed by the test's `pusher` SDK, as a backend's endpoint would. */
function connect(user?: string): PusherJs {
  const client = new PusherJs(app.key, {
    cluster: "mt1", wsHost: "127.0.0.1", wsPort: server.port, forceTLS: false, enabledTransports: ["ws"], disableStats: true,
    channelAuthorization: {
      endpoint: "/unused", transport: "ajax",
      customHandler: ({ socketId, channelName }: { socketId: string; channelName: string }, callback: (error: Error | null, auth: any) => void) =>
        callback(null, channelName.startsWith("presence-")
          ? pusher.authorizeChannel(socketId, channelName, { user_id: user!, user_info: { name: user } })
          : pusher.authorizeChannel(socketId, channelName)),
    },
    userAuthentication: {
      endpoint: "/unused", transport: "ajax",
      customHandler: ({ socketId }: { socketId: string }, callback: (error: Error | null, auth: any) => void) =>
        callback(null, pusher.authenticateUser(socketId, { id: user! })),
    },
  } as any);
  clients.push(client);
  return client;
}

/** Subscribe and collect every event but pusher:* ones. */
async function subscribe(client: PusherJs, channel: string): Promise<Array<{ event: string; data: unknown }>> {
  const heard: Array<{ event: string; data: unknown }> = [];
  const subscription = client.subscribe(channel);
  subscription.bind_global((event: string, data: unknown) => { if (!event.startsWith("pusher")) heard.push({ event, data }); });
  await new Promise<void>((resolve, reject) => {
    subscription.bind("pusher:subscription_succeeded", () => resolve());
    subscription.bind("pusher:subscription_error", (error: unknown) => reject(new Error(JSON.stringify(error))));
  });
  return heard;
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

const socketIdOf = async (client: PusherJs): Promise<string> => {
  await until(() => client.connection.state === "connected", "connected");
  return client.connection.socket_id;
};

describe("pusher-js subscribers", () => {
  test("Pusher.trigger() reaches every pusher-js subscriber (spread over 2 workers) with the data as sent", async () => {
    const inboxes = await Promise.all([1, 2, 3, 4, 5, 6].map(() => subscribe(connect(), "feed")));
    await pusher.trigger("feed", "greet", { text: "hi", n: [1, 2] });
    await pusher.trigger(["feed", "elsewhere"], "plain", "just text");
    for (const heard of inboxes) await until(() => heard.length === 2, "two events");
    for (const heard of inboxes) expect(heard).toEqual([{ event: "greet", data: { text: "hi", n: [1, 2] } }, { event: "plain", data: "just text" }]);
  });

  test("Pusher.trigger() with socket_id leaves that connection out, on whichever worker it is", async () => {
    const clientsHere = [1, 2, 3, 4].map(() => connect());
    const inboxes = await Promise.all(clientsHere.map((client) => subscribe(client, "private-room")));
    for (const [index, excluded] of clientsHere.entries()) {
      await pusher.trigger("private-room", "not-yours", { index }, { socket_id: await socketIdOf(excluded) });
    }
    await pusher.trigger("private-room", "last", {});
    for (const [index, heard] of inboxes.entries()) {
      await until(() => heard.some((e) => e.event === "last"), "the last event");
      expect(heard.map((e) => (e.data as { index?: number }).index).filter((i) => i !== undefined).sort()).toEqual([0, 1, 2, 3].filter((i) => i !== index));
    }
  });

  test("Pusher.trigger() with socket_id leaves that connection out on a history channel too", async () => {
    const [excluded, other] = [connect(), connect()];
    const [excludedHeard, otherHeard] = await Promise.all([subscribe(excluded, "kept-room"), subscribe(other, "kept-room")]);
    await pusher.trigger("kept-room", "not-yours", {}, { socket_id: await socketIdOf(excluded) });
    await pusher.trigger("kept-room", "everyone", {});
    // Per-channel order: once "everyone" is in, "not-yours" would have come before it.
    await until(() => [excludedHeard, otherHeard].every((heard) => heard.some((e) => e.event === "everyone")), "the last event");
    expect(excludedHeard.map((e) => e.event)).toEqual(["everyone"]);
    expect(otherHeard.map((e) => e.event)).toEqual(["not-yours", "everyone"]);
  });

  test("GET /apps/{id}/channels/{name}/users lists pusher-js presence members by user_id, once per user", async () => {
    await subscribe(connect("u-ann"), "presence-lobby");
    await subscribe(connect("u-ann"), "presence-lobby");
    await subscribe(connect("u-bob"), "presence-lobby");
    for (let i = 0; i < 4; i++) {
      const { users } = await (await pusher.get({ path: "/channels/presence-lobby/users" })).json();
      expect(users.map((u: { id: string }) => u.id).sort()).toEqual(["u-ann", "u-bob"]);
      expect(await (await pusher.get({ path: "/channels/presence-lobby", params: { info: "user_count,subscription_count" } })).json())
        .toEqual({ occupied: true, user_count: 2, subscription_count: 3 });
    }
  });

  test("Pusher.terminateUserConnections() closes every connection the user signed in on, not others", async () => {
    const own = [connect("u-term"), connect("u-term")];
    const other = connect("u-keep");
    for (const client of [...own, other]) {
      await socketIdOf(client);
      const signedIn = new Promise<void>((resolve) => client.bind("pusher:signin_success", () => resolve()));
      client.signin();
      await signedIn;
    }
    const errors: unknown[] = [];
    for (const client of own) client.connection.bind("error", (error: unknown) => errors.push(error));
    await pusher.terminateUserConnections("u-term");
    for (const client of own) await until(() => client.connection.state !== "connected", "the terminated connection to drop");
    // Each hears Pusher's 4009 (4000-4099: pusher-js does not reconnect).
    expect(errors.filter((e: any) => e.type === "PusherError" && e.data?.code === 4009).length).toBeGreaterThanOrEqual(own.length);
    expect(other.connection.state).toBe("connected");
    const heard = await subscribe(other, "still-alive");
    await pusher.trigger("still-alive", "yes", {});
    await until(() => heard.length === 1, "the event");
  });
});
