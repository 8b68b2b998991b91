/**
 * The Pusher session inside scx (issue 16): keep-alive pings and the dead-socket close,
 * inbound middleware seeing Pusher subscribes and client events as the same Actions,
 * the namespace publish rate on client events, the worker's connection events, and the
 * server API counting Pusher subscribers.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { namedError } from "../src/protocol/errorNames.ts";
import { apiClient, apiKey } from "./helpers/apiClient.ts";
import { type AuthEndpoint, connectedClient, once, pusherApp, record, startAuthEndpoint, subscribed } from "./helpers/pusherClient.ts";

/** A raw Pusher socket: frames decoded (data parsed back from its JSON text). */
function rawPusher(port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/app/${pusherApp.key}?protocol=7&client=js&version=8.4.0`);
  const frames: any[] = [];
  let wake = () => {};
  ws.onmessage = (event) => {
    const frame = JSON.parse(String(event.data));
    frame.data = JSON.parse(frame.data);
    frames.push(frame);
    wake();
  };
  const closed = new Promise<number>((resolve) => { ws.onclose = (event) => { resolve(event.code); wake(); }; });
  return {
    ws, frames, closed,
    /** The first frame, whatever its event. */
    async first(): Promise<any> {
      while (frames.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return frames.shift();
    },
    async next(event: string): Promise<any> {
      for (;;) {
        const at = frames.findIndex((frame) => frame.event === event);
        if (at >= 0) return frames.splice(at, 1)[0];
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

describe("PusherSession keep-alive", () => {
  let server: ScxServer;
  beforeAll(async () => {
    server = createServer({ host: "127.0.0.1", port: 0, workers: 0, logLevel: "silent", pingInterval: 100, pingTimeout: 1000, pusher: { apps: [pusherApp] } });
    await server.start();
  });
  afterAll(() => server.stop());

  test("PusherSession.ping() sends pusher:ping each pingInterval; answered, the socket stays; silent past pingTimeout, it closes with 4201", async () => {
    const socket = rawPusher(server.port);
    const established = await socket.next("pusher:connection_established");
    expect(established.data.activity_timeout).toBe(1);
    // Three pings answered: it stays open across more than one pingTimeout.
    for (let i = 0; i < 12; i++) {
      await socket.next("pusher:ping");
      socket.ws.send('{"event":"pusher:pong","data":{}}');
    }
    expect(socket.frames.filter((f) => f.event === "pusher:error")).toEqual([]);
    // Then silence: a pusher:error 4201 and the close.
    const error = await socket.next("pusher:error");
    expect(error.data).toEqual({ code: 4201, message: "Pong reply not received" });
    expect(await socket.closed).toBe(4201);
  });

  test("PusherSessions.receive() answers pusher:ping with pusher:pong", async () => {
    const socket = rawPusher(server.port);
    await socket.next("pusher:connection_established");
    socket.ws.send('{"event":"pusher:ping","data":{}}');
    expect((await socket.next("pusher:pong")).data).toEqual({});
    socket.ws.close();
  });
});

describe("Pusher sessions in the worker", () => {
  let server: ScxServer;
  let auth: AuthEndpoint;
  const clients: any[] = [];
  const seen: string[] = [];
  const events: string[] = [];
  beforeAll(async () => {
    auth = startAuthEndpoint();
    server = createServer({
      host: "127.0.0.1", port: 0, workers: 0, logLevel: "silent", api: { key: apiKey },
      channels: [{ match: "private-limited", publish: { rate: 1, burst: 2 } }],
      pusher: { apps: [pusherApp] },
    });
    server.middleware("inbound", (action) => {
      if (action.type === "subscribe") seen.push(`subscribe ${action.channel}`);
      if (action.type === "publishIn") seen.push(`publishIn ${action.channel} ${JSON.stringify(action.data)}`);
      if (action.type === "subscribe" && action.channel === "closed-door") throw namedError("ForbiddenError", "Members only");
      if (action.type === "publishIn" && (action.data as { event: string }).event === "client-shout") throw namedError("ForbiddenError", "No shouting");
    });
    server.on("connection", (socket) => events.push(`connection ${socket.protocol?.name ?? "sc"}`));
    server.on("subscription", (socket, channel) => events.push(`subscription ${socket.protocol?.name ?? "sc"} ${channel}`));
    await server.start();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    auth.stop();
    await server.stop();
  });

  test("inbound middleware sees a Pusher subscribe and client event as subscribe and publishIn Actions, and can block both", async () => {
    const c = await connectedClient(server.port, auth);
    clients.push(c);
    const { channel } = await subscribed(c, "private-room");
    const error = await once(c.subscribe("closed-door"), "pusher:subscription_error");
    expect(error).toEqual({ type: "ForbiddenError", error: "Members only", status: 403 });
    channel.trigger("client-shout", { loud: true });
    const refused = await once(c.connection, "error");
    expect(refused.data).toEqual({ code: 4302, message: "Client event rejected: No shouting" });
    expect(seen).toEqual([
      "subscribe private-room", "subscribe closed-door",
      'publishIn private-room {"event":"client-shout","data":{"loud":true}}',
    ]);
    expect(events).toContain("connection pusher");
    expect(events).toContain("subscription pusher private-room");
  });

  test("client events count against the namespace's publish rate: over it, pusher:error 4301", async () => {
    const c = await connectedClient(server.port, auth);
    clients.push(c);
    const { channel } = await subscribed(c, "private-limited");
    const errors = record(c.connection, "error");
    for (let i = 0; i < 4; i++) channel.trigger("client-tick", { i });
    const [first] = await errors.until(1);
    expect(first.data).toEqual({ code: 4301, message: 'Client event rejected due to rate limit: over the publish rate of "private-limited"' });
  });

  test("the server API counts Pusher subscribers in /api/channels", async () => {
    const c = await connectedClient(server.port, auth);
    clients.push(c);
    await subscribed(c, "counted");
    const { body } = await apiClient(`http://127.0.0.1:${server.port}`).get("/channels");
    expect(body.channels).toContainEqual({ channel: "counted", subscribers: 1 });
    const stats = await server.stats();
    expect(stats.connections).toBeGreaterThanOrEqual(3);
  });
});

describe("Pusher sessions and the other delivery paths", () => {
  let server: ScxServer;
  let auth: AuthEndpoint;
  const clients: any[] = [];
  beforeAll(async () => {
    auth = startAuthEndpoint();
    server = createServer({
      host: "127.0.0.1", port: 0, workers: 0, logLevel: "silent",
      channels: [{ match: "kept-news", history: { size: 10, ttl: 60 } }],
      limits: { connectionsPerIp: 3 },
      pusher: { apps: [pusherApp] },
    });
    server.middleware("outbound", (action) => {
      if (action.channel === "shouted") action.data = { event: "loud", data: String((action.data as any).data).toUpperCase() };
    });
    await server.start();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    auth.stop();
    await server.stop();
  });

  test("outbound middleware's replaced data reaches a Pusher subscriber as its own frame; history channels deliver live to Pusher", async () => {
    const c = await connectedClient(server.port, auth);
    clients.push(c);
    const { channel: shouted } = await subscribed(c, "shouted");
    const loud = record(shouted, "loud");
    await server.exchange.publish("shouted", { event: "quiet", data: "hello" });
    expect(await loud.until(1)).toEqual(["HELLO"]);
    const { channel: kept } = await subscribed(c, "kept-news");
    const news = record(kept, "news");
    const position = await server.exchange.publish("kept-news", { event: "news", data: { n: 1 } });
    expect(position.offset).toBe(1);
    expect(await news.until(1)).toEqual([{ n: 1 }]);
  });

  test("private-encrypted- client events are relayed untouched (scx never holds the key)", async () => {
    const PusherServer = require("pusher");
    const sdk = new PusherServer({ appId: pusherApp.id, key: pusherApp.key, secret: pusherApp.secret, encryptionMasterKeyBase64: btoa("k".repeat(32)) });
    const channel = "private-encrypted-vault";
    const open = async () => {
      const socket = rawPusher(server.port);
      const { data } = await socket.next("pusher:connection_established");
      socket.ws.send(JSON.stringify({ event: "pusher:subscribe", data: { channel, auth: sdk.authorizeChannel(data.socket_id, channel).auth } }));
      await socket.next("pusher_internal:subscription_succeeded");
      return socket;
    };
    const [a, b] = [await open(), await open()];
    const sealed = { nonce: "3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAA", ciphertext: "Zm9vYmFyYmF6cXV4" };
    a.ws.send(JSON.stringify({ event: "client-secret", channel, data: sealed }));
    expect(await b.next("client-secret")).toEqual({ event: "client-secret", channel, data: sealed });
    a.ws.close();
    b.ws.close();
  });

  test("limits.connectionsPerIp counts Pusher connections: past it, pusher:error 4004 and a close", async () => {
    // Two connections are open from the tests above at most; fill the cap, then one more.
    const open: any[] = [];
    let refused: any = null;
    for (let i = 0; i < 4 && !refused; i++) {
      const socket = rawPusher(server.port);
      const first = await socket.first();
      if (first.event === "pusher:error") refused = { error: first.data, code: await socket.closed };
      else open.push(socket);
    }
    expect(refused?.error.code).toBe(4004);
    expect(refused?.error.message).toBe("Connection limit reached: more than 3 connections from this address");
    expect(refused?.code).toBe(4004);
    for (const socket of open) socket.ws.close();
  });
});
