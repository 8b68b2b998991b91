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
