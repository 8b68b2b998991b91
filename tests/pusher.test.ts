/**
 * The Pusher Channels protocol on WebSocket (issue 16), with the real pusher-js as the
 * client and the real `pusher` SDK signing in the test's auth endpoint: connect, public,
 * private and presence channels, member_added/member_removed by user, client events
 * (not echoed), forged signatures, unknown keys, pusher:signin and the server API's
 * disconnect by user, and one channel space with SocketCluster clients; in-process and
 * with `workers: 2`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { connected } from "./helpers/scClient.ts";
import { apiClient, apiKey } from "./helpers/apiClient.ts";
import { type AuthEndpoint, connectedClient, once, pusherApp, pusherClient, record, startAuthEndpoint, subscribed } from "./helpers/pusherClient.ts";

const script = new URL("./fixtures/pusherWorker.ts", import.meta.url).pathname;

for (const workers of [0, 2]) {
  describe(`Pusher protocol (${workers ? "workers: 2" : "in-process"})`, () => {
    let server: ScxServer;
    let auth: AuthEndpoint;
    const clients: any[] = [];
    const client = async (options: Parameters<typeof connectedClient>[2] = {}) => {
      const c = await connectedClient(server.port, auth, options);
      clients.push(c);
      return c;
    };
    beforeAll(async () => {
      auth = startAuthEndpoint();
      server = createServer({
        host: "127.0.0.1", port: 0, workers, brokers: 2, logLevel: "silent", api: { key: apiKey }, worker: script,
        pusher: { apps: [pusherApp, { id: "2", key: "quiet-key", secret: "quiet-secret-0", clientEvents: false }] },
      });
      await server.start();
    });
    afterAll(async () => {
      for (const c of clients) c.disconnect();
      auth.stop();
      await server.stop();
    });

    test("PusherSessions.open() answers pusher:connection_established with a socket_id of the documented form", async () => {
      const c = await client();
      expect(c.connection.socket_id).toMatch(/^\d+\.\d+$/);
    });

    test("PusherSessions.open() refuses an unknown app key with pusher:error 4001 and closes", async () => {
      const c = pusherClient(server.port, auth, { key: "no-such-key" });
      clients.push(c);
      const states = record(c.connection, "state_change");
      const error = await once(c.connection, "error");
      expect(error.error.data.code).toBe(4001);
      expect(error.error.data.message).toBe('App key "no-such-key" is not on this server');
      // pusher-js does not reconnect after a 4000–4099 code: it stays disconnected.
      expect((await states.until(1)).at(-1).current).toBe("disconnected");
    });

    test("public channels get exchange.publish as Pusher events: {event, data} by name, other data as \"message\"", async () => {
      const c = await client();
      const { channel } = await subscribed(c, "news");
      const updates = record(channel, "update");
      const messages = record(channel, "message");
      await server.exchange.publish("news", { event: "update", data: { n: 1 } });
      await server.exchange.publish("news", "plain text");
      await server.exchange.publish("news", { n: 2 });
      await server.exchange.publish("news", { event: "update", data: "a string" });
      expect(await updates.until(2)).toEqual([{ n: 1 }, "a string"]);
      expect(await messages.until(2)).toEqual(["plain text", { n: 2 }]);
    });

    test("private channels subscribe with the auth endpoint's signature; a forged one gets pusher:subscription_error", async () => {
      const c = await client();
      await subscribed(c, "private-ok");
      const forger = await client({ forge: true });
      const channel = forger.subscribe("private-ok");
      const error = await once(channel, "pusher:subscription_error");
      expect(error.type).toBe("AuthError");
      expect(error.status).toBe(401);
      expect(error.error).toContain("Invalid signature");
    });

    test("invalid channel names get pusher:subscription_error", async () => {
      const c = await client();
      const channel = c.subscribe("chat/1");
      const error = await once(channel, "pusher:subscription_error");
      expect(error.status).toBe(400);
      expect(error.error).toContain('Invalid channel name "chat/1"');
    });

    test("presence channels: the hash on subscribe, member_added on a user's first connection, member_removed after its last", async () => {
      const channelName = `presence-room${workers}`;
      const a = await client({ presence: { user_id: "ann", user_info: { name: "Ann" } } });
      const { channel: ca, data: first } = await subscribed(a, channelName);
      expect(first.count).toBe(1);
      expect(first.me.id).toBe("ann");
      const added = record(ca, "pusher:member_added");
      const removed = record(ca, "pusher:member_removed");

      const b1 = await client({ presence: { user_id: "bob", user_info: { name: "Bob" } } });
      await subscribed(b1, channelName);
      const b2 = await client({ presence: { user_id: "bob", user_info: { name: "Bob" } } });
      const { data: second } = await subscribed(b2, channelName);
      expect(second.count).toBe(2);
      const c = await client({ presence: { user_id: "cat" } });
      await subscribed(c, channelName);
      // Events arrive in order: had bob's second connection been announced, it would come before cat.
      expect((await added.until(2)).map((m: any) => m.id)).toEqual(["bob", "cat"]);
      expect(added.seen[0].info).toEqual({ name: "Bob" });
      expect(ca.members.count).toBe(3);

      b1.disconnect();
      c.disconnect();
      expect((await removed.until(1)).map((m: any) => m.id)).toEqual(["cat"]);
      b2.disconnect();
      expect((await removed.until(2)).map((m: any) => m.id)).toEqual(["cat", "bob"]);
      expect(ca.members.count).toBe(1);
    });

    test("client events reach the other subscribers (with user_id on presence channels), never the sender", async () => {
      const channelName = `presence-talk${workers}`;
      const a = await client({ presence: { user_id: "ann" } });
      const b = await client({ presence: { user_id: "bob" } });
      const { channel: ca } = await subscribed(a, channelName);
      const { channel: cb } = await subscribed(b, channelName);
      const typingAtA = record(ca, "client-typing");
      const typingAtB = record(cb, "client-typing");
      const repliesAtA = record(ca, "client-reply");
      cb.bind("client-typing", () => cb.trigger("client-reply", { ok: true }));
      expect(ca.trigger("client-typing", { text: "hi" })).toBe(true);
      const [reply] = await repliesAtA.until(1);
      expect(reply).toEqual({ data: { ok: true }, metadata: { user_id: "bob" } });
      expect(typingAtB.seen).toEqual([{ data: { text: "hi" }, metadata: { user_id: "ann" } }]);
      // The sender's echo, had there been one, would have come before the reply.
      expect(typingAtA.seen).toEqual([]);
    });

    test("client events are refused with pusher:error when the app has them off, and on public channels", async () => {
      const quiet = pusherClient(server.port, auth, { key: "quiet-key" });
      clients.push(quiet);
      await once(quiet.connection, "connected");
      quiet.subscribe("news");
      const c = await client();
      await subscribed(c, "news");
      c.send_event("client-x", { a: 1 }, "news");
      const error = await once(c.connection, "error");
      expect(error.data.code).toBe(4302);
      expect(error.data.message).toContain("only private and presence channels");
      quiet.send_event("client-x", { a: 1 }, "news");
      const off = await once(quiet.connection, "error");
      expect(off.data.code).toBe(4302);
      expect(off.data.message).toContain("client events are off");
    });

    test("a SocketCluster client and pusher-js on one channel receive each other's publications", async () => {
      const { client: sc } = await connected(server.port);
      try {
        const scChannel = sc.subscribe("private-mixed");
        await scChannel.listener("subscribe").once();
        const atSc: unknown[] = [];
        let arrived = () => {};
        void (async () => {
          for await (const data of scChannel) {
            atSc.push(data);
            arrived();
          }
        })();
        const scGot = async (count: number) => {
          while (atSc.length < count) await new Promise<void>((resolve) => (arrived = resolve));
          return atSc;
        };
        const p = await client();
        const { channel } = await subscribed(p, "private-mixed");
        const fromSc = record(channel, "update");
        const plain = record(channel, "message");
        sc.transmitPublish("private-mixed", { event: "update", data: { by: "sc" } });
        sc.transmitPublish("private-mixed", "hello pusher");
        expect(await fromSc.until(1)).toEqual([{ by: "sc" }]);
        expect(await plain.until(1)).toEqual(["hello pusher"]);
        channel.trigger("client-note", '{"by":"pusher"}');
        channel.trigger("client-note", "not json");
        // The SocketCluster client's own two first, then pusher-js's client events, mapped.
        expect(await scGot(4)).toEqual([
          { event: "update", data: { by: "sc" } }, "hello pusher",
          { event: "client-note", data: { by: "pusher" } }, { event: "client-note", data: "not json" },
        ]);
      } finally {
        sc.disconnect();
      }
    });

    test("the worker script's inbound middleware refuses a Pusher subscribe and client event, and rewrites another, in every worker", async () => {
      const a = await client();
      const b = await client();
      expect(await once(a.subscribe("closed-door"), "pusher:subscription_error")).toEqual({ type: "ForbiddenError", error: "Members only", status: 403 });
      const { channel: ca } = await subscribed(a, "private-guarded");
      const { channel: cb } = await subscribed(b, "private-guarded");
      const signed = record(cb, "client-sign");
      ca.trigger("client-shout", {});
      expect((await once(a.connection, "error")).data).toEqual({ code: 4302, message: "Client event rejected: No shouting" });
      ca.trigger("client-sign", { n: 1 });
      expect(await signed.until(1)).toEqual([{ signed: "pusher", was: { n: 1 } }]);
    });

    test("pusher:signin makes the user the connection's: the server API's disconnect by user closes it with 4009", async () => {
      const c = await client({ user: { id: "dan", name: "Dan" } });
      c.signin();
      await c.user.signinDonePromise;
      const error = once(c.connection, "error");
      const states = record(c.connection, "state_change");
      await waitFor(async () => (await apiClient(`http://127.0.0.1:${server.port}`).post("/disconnect", { user: "dan" })).body);
      expect((await error).data).toEqual({ code: 4009, message: "Connection is unauthorized" });
      expect((await states.until(1)).at(-1).current).toBe("disconnected");
    });
  });
}

/** Retries until the API says it closed at least one connection (pusher-js signs in asynchronously). */
async function waitFor(ask: () => Promise<any>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const body = await ask();
    if ((body?.disconnected ?? body?.count ?? body?.value ?? 0) > 0) return;
    await Bun.sleep(25);
  }
  throw new Error("The API never found the signed-in user");
}
