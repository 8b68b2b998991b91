/**
 * The scx client on the wire, against a small scripted server that sends exactly what a
 * test needs: pings of both versions, batches, kick-outs, silence (4000), and the order of
 * packets after a (re)connect. The real-server tests are in client.test.ts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";
import { type ClientSocket, create } from "../src/client/index.ts";
import { withDefaults } from "../src/client/options.ts";
import { socketUrl } from "../src/client/socketUrl.ts";

const sockets: ClientSocket[] = [];
afterAll(() => { for (const socket of sockets) socket.disconnect(); });

describe("ClientSocket on the wire (a scripted fake server)", () => {
  interface Fake { port: number; next(): Promise<any>; send(text: string): void; stop(): void }

  /** Answers #handshake (announcing `pingTimeout`) and #subscribe, never pings, and hands every frame to next(). */
  function fakeServer(pingTimeout = 10000): Fake {
    const inbox: string[] = [];
    const waiting: Array<(text: string) => void> = [];
    let current: ServerWebSocket<unknown> | null = null;
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (request, server) => server.upgrade(request) ? undefined : new Response("Upgrade required", { status: 426 }),
      websocket: {
        open(ws) { current = ws; },
        message(ws, message) {
          const text = String(message);
          const packet = text.startsWith("{") ? JSON.parse(text) : null;
          if (packet?.event === "#handshake") ws.send(JSON.stringify({ rid: packet.cid, data: { id: "fake", pingTimeout, isAuthenticated: false } }));
          if (packet?.event === "#subscribe") ws.send(JSON.stringify({ rid: packet.cid }));
          const waiter = waiting.shift();
          if (waiter) waiter(text);
          else inbox.push(text);
        },
      },
    });
    const parse = (text: string) => text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text;
    return {
      port: server.port!,
      next: () => inbox.length ? Promise.resolve(parse(inbox.shift()!)) : new Promise((resolve) => waiting.push((text) => resolve(parse(text)))),
      send: (text) => current!.send(text),
      stop: () => void server.stop(true),
    };
  }

  function client(fake: Fake, options: Parameters<typeof create>[0] = {}) {
    const socket = create({ hostname: "127.0.0.1", port: fake.port, autoReconnect: false, ...options });
    sockets.push(socket);
    return socket;
  }

  test("ClientSocket answers pings of either version: with '' under protocolVersion 2, with '#2' under 1", async () => {
    for (const [protocolVersion, pong] of [[2, ""], [1, "#2"]] as const) {
      const fake = fakeServer();
      const socket = client(fake, { protocolVersion });
      await socket.listener("connect").once();
      expect((await fake.next()).event).toBe("#handshake");
      fake.send("");
      expect(await fake.next()).toBe(pong);
      fake.send("#1");
      expect(await fake.next()).toBe(pong);
      socket.disconnect();
      fake.stop();
    }
  });

  test("ClientSocket closes with 4000 when no ping comes within pingTimeout, reconnects at once, and keeps counting cids", async () => {
    const fake = fakeServer(300);
    // A backoff delay would outlast the test: only the immediate retry after 4000 can pass.
    const socket = client(fake, { autoReconnect: true, autoReconnectOptions: { initialDelay: 60000, randomness: 0 } });
    await socket.listener("connect").once();
    expect(await fake.next()).toEqual({ event: "#handshake", data: { authToken: null }, cid: 1 });
    const sum = socket.invoke("sum", [1, 2]);
    expect(await fake.next()).toEqual({ event: "sum", data: [1, 2], cid: 2 });
    fake.send(JSON.stringify({ rid: 2, data: 3 }));
    expect(await sum).toBe(3);
    expect(await socket.listener("disconnect").once()).toEqual({ code: 4000, reason: "Server ping timed out" });
    await socket.listener("connect").once();
    expect(await fake.next()).toEqual({ event: "#handshake", data: { authToken: null }, cid: 3 });
    socket.disconnect();
    fake.stop();
  });

  test("ClientSocket sends pending #subscribe first, then what was queued while connecting, in order", async () => {
    const fake = fakeServer();
    const socket = client(fake, { autoConnect: false });
    socket.subscribe("a");
    socket.transmit("first", 1); // sending on a closed socket connects it
    socket.invoke("second", 2).catch(() => {});
    socket.transmitPublish("a", 3);
    const packets = [];
    for (let i = 0; i < 5; i++) packets.push(await fake.next());
    expect(packets.map((p) => [p.event, p.cid])).toEqual([
      ["#handshake", 1], ["#subscribe", 2], ["first", undefined], ["second", 3], ["#publish", undefined],
    ]);
    socket.disconnect();
    fake.stop();
  });

  test("ClientSocket handles a batch frame's packets in order; #kickOut drops the channel and sends no #unsubscribe", async () => {
    const fake = fakeServer();
    const socket = client(fake);
    const channel = socket.subscribe<number>("b");
    await channel.listener("subscribe").once();
    expect((await fake.next()).event).toBe("#handshake");
    expect(await fake.next()).toEqual({ event: "#subscribe", data: { channel: "b" }, cid: 2 });
    const seen: unknown[] = [];
    channel.watch((n) => seen.push(n));
    socket.onReceive("tx", (data) => seen.push(`tx ${data}`));
    const kicked = socket.listener("kickOut").once();
    const publish = (data: number) => ({ event: "#publish", data: { channel: "b", data } });
    fake.send(JSON.stringify([publish(1), { event: "tx", data: 2 }, publish(3), { event: "#kickOut", data: { channel: "b", message: "bye" } }, publish(4)]));
    expect(await kicked).toEqual({ channel: "b", message: "bye" });
    expect(seen).toEqual([1, "tx 2", 3]);
    expect(channel.state).toBe("unsubscribed");
    socket.unsubscribe("b");
    socket.transmit("after");
    expect(await fake.next()).toEqual({ event: "after" });
    socket.disconnect();
    fake.stop();
  });

  test("ClientSocket.invoke() made while the server is unreachable still rejects with TimeoutError after ackTimeout", async () => {
    const fake = fakeServer();
    fake.stop(); // nothing listens on the port now
    const socket = client(fake, { autoReconnect: true, autoReconnectOptions: { initialDelay: 60000, randomness: 0 } });
    const aborted = socket.listener("connectAbort").once();
    const error = await socket.invoke("anything", null, { ackTimeout: 100 }).catch((e) => e);
    expect(error.name).toBe("TimeoutError");
    expect((await aborted).code).toBe(1006);
    socket.disconnect();
  });
});

describe("client options", () => {
  test("socketUrl() leaves out the scheme's default port, repeats array query keys and adds the timestamp", () => {
    const url = (options: Parameters<typeof withDefaults>[0]) => socketUrl(withDefaults(options), 1234);
    expect(url({ hostname: "example.com", secure: true, port: 443 })).toBe("wss://example.com/socketcluster/");
    expect(url({ host: "127.0.0.1:8000", query: { a: [1, 2], b: "x y" } })).toBe("ws://127.0.0.1:8000/socketcluster/?a=1&a=2&b=x+y");
    expect(url({ hostname: "::1", port: 80, path: "/ws", query: "?k=v", timestampRequests: true })).toBe("ws://[::1]/ws?k=v&t=1234");
    expect(() => withDefaults({ host: "a:1", port: 2 })).toThrow(TypeError);
  });
});

