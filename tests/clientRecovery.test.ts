/**
 * Recovery in scx/client against a scripted server that answers #subscribe and #history
 * as each test says: the exact #subscribe frame after a reconnect (`since`), dropping
 * offsets already seen, the `subscribe`/`recovery` events, new epochs, `history()`, and the
 * same client on Node 20 and Deno. The end-to-end tests against scx are in
 * clientRecoveryServer.test.ts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { type ClientSocket, create } from "../src/client/index.ts";

const sockets: ClientSocket[] = [];
const servers: Array<{ stop(): void }> = [];
afterAll(() => {
  for (const socket of sockets) socket.disconnect();
  for (const server of servers) server.stop();
});

const fast = { initialDelay: 10, randomness: 0, multiplier: 1, maxDelay: 10 };
const pub = (channel: string, data: unknown, offset?: number, epoch?: string) =>
  JSON.stringify({ event: "#publish", data: offset === undefined ? { channel, data } : { channel, data, offset, epoch } });

interface Scripted {
  port: number;
  /** The next packet a client sent (handshakes and pongs left out), with the connection's number (1, 2, …). */
  next(): Promise<{ packet: any; connection: number }>;
  send(...frames: string[]): void;
  /** Drop the current connection abruptly (the client sees 1006), as a lost network does. */
  cut(): void;
  stop(): void;
}

/**
 * A server that answers #handshake itself and hands every other packet to `answer`, which
 * returns the frames to send back (a reply needs `rid`), or to next() when it returns nothing.
 */
function scriptedServer(answer: (packet: any, connection: number) => string[] | void = () => {}): Scripted {
  const inbox: Array<{ packet: any; connection: number }> = [];
  const waiting: Array<(item: { packet: any; connection: number }) => void> = [];
  let current: ServerWebSocket<{ n: number }> | null = null;
  let connections = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request, server) => server.upgrade(request, { data: { n: ++connections } }) ? undefined : new Response("", { status: 426 }),
    websocket: {
      open(ws) { current = ws as ServerWebSocket<{ n: number }>; },
      message(ws, message) {
        const text = String(message);
        if (!text.startsWith("{")) return;
        const packet = JSON.parse(text);
        if (packet.event === "#handshake") return void ws.send(JSON.stringify({ rid: packet.cid, data: { id: "s", pingTimeout: 60000, isAuthenticated: false } }));
        const frames = answer(packet, ws.data.n);
        inbox.push({ packet, connection: ws.data.n });
        while (waiting.length && inbox.length) waiting.shift()!(inbox.shift()!);
        for (const frame of frames ?? []) ws.send(frame);
      },
    },
  });
  const scripted = {
    port: server.port!,
    next: () => inbox.length ? Promise.resolve(inbox.shift()!) : new Promise<{ packet: any; connection: number }>((resolve) => waiting.push(resolve)),
    send: (...frames: string[]) => { for (const frame of frames) current!.send(frame); },
    cut: () => current!.terminate(),
    stop: () => void server.stop(true),
  };
  servers.push(scripted);
  return scripted;
}

function client(server: Scripted) {
  const socket = create({ hostname: "127.0.0.1", port: server.port, autoReconnectOptions: fast, ackTimeout: 2000 });
  sockets.push(socket);
  return socket;
}

/** Collects a channel's publications and its subscribe/recovery events in one ordered list. */
function record(channel: ReturnType<ClientSocket["subscribe"]>) {
  const log: unknown[] = [];
  channel.watch((data) => log.push(data));
  channel.on("subscribe", (event) => log.push({ subscribe: event }));
  channel.on("recovery", (event) => log.push({ recovery: event }));
  return log;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await Bun.sleep(2);
}

describe("Channel recovery (scripted server)", () => {
  test("Channel resubscribes after a reconnect with since = the last offset and epoch it received, and emits recovery", async () => {
    const server = scriptedServer((packet, connection) => {
      if (packet.event !== "#subscribe") return;
      if (connection === 1) return [JSON.stringify({ rid: packet.cid, data: { offset: 12, epoch: "x9f2" } }), pub("chat/1", "m13", 13, "x9f2"), pub("chat/1", "m14", 14, "x9f2")];
      // The replay after the reply, then live ones: 14 and 15 again must be dropped.
      return [JSON.stringify({ rid: packet.cid, data: { offset: 16, epoch: "x9f2", recovered: true } }),
        pub("chat/1", "m15", 15, "x9f2"), pub("chat/1", "m14", 14, "x9f2"), pub("chat/1", "m16", 16, "x9f2"), pub("chat/1", "m15", 15, "x9f2"), pub("chat/1", "m17", 17, "x9f2")];
    });
    const socket = client(server);
    const channel = socket.subscribe("chat/1");
    const log = record(channel);
    const socketRecovery = socket.listener("recovery").once();
    expect(await server.next()).toEqual({ packet: { event: "#subscribe", data: { channel: "chat/1" }, cid: 2 }, connection: 1 });
    await until(() => log.length === 3);
    expect(channel.position).toEqual({ offset: 14, epoch: "x9f2" });
    server.cut();
    expect(await server.next()).toEqual({ packet: { event: "#subscribe", data: { channel: "chat/1", since: { offset: 14, epoch: "x9f2" } }, cid: 4 }, connection: 2 });
    await until(() => log.length === 8);
    const recovered = { channel: "chat/1", recovered: true, offset: 16, epoch: "x9f2" };
    expect(log).toEqual([
      { subscribe: { channel: "chat/1", recovered: false, offset: 12, epoch: "x9f2" } }, "m13", "m14",
      { subscribe: recovered }, { recovery: recovered }, "m15", "m16", "m17",
    ]);
    expect(await socketRecovery).toEqual(recovered);
    expect(channel.position).toEqual({ offset: 17, epoch: "x9f2" });
  });

  test("Channel handles a subscribe reply and the publications behind it in one batch frame in order", async () => {
    // recovered:false in a new epoch, with live publications of that epoch in the same frame:
    // the reply must be settled before them, or the first would look like a second epoch change.
    const server = scriptedServer((packet, connection) => {
      if (packet.event !== "#subscribe") return;
      if (connection === 1) return [JSON.stringify({ rid: packet.cid, data: { offset: 5, epoch: "e1" } })];
      return [JSON.stringify([{ rid: packet.cid, data: { offset: 3, epoch: "e2", recovered: false } },
        { event: "#publish", data: { channel: "c", data: 4, offset: 4, epoch: "e2" } },
        { event: "#publish", data: { channel: "c", data: 5, offset: 5, epoch: "e2" } }])];
    });
    const socket = client(server);
    const channel = socket.subscribe("c");
    const log = record(channel);
    await channel.listener("subscribe").once();
    server.cut();
    expect((await server.next()).packet.data).toEqual({ channel: "c" });
    expect((await server.next()).packet.data).toEqual({ channel: "c", since: { offset: 5, epoch: "e1" } });
    await until(() => log.length === 5);
    const lost = { channel: "c", recovered: false, offset: 3, epoch: "e2" };
    expect(log.slice(1)).toEqual([{ subscribe: lost }, { recovery: lost }, 4, 5]);
  });

  test("Channel drops a publication whose offset it has seen in the same epoch; passes the latest one right after the reply and offset-less ones", async () => {
    const server = scriptedServer((packet) => {
      if (packet.event === "#subscribe") return [JSON.stringify({ rid: packet.cid, data: { offset: 7, epoch: "x" } })];
    });
    const socket = client(server);
    const channel = socket.subscribe("s");
    const log: unknown[] = [];
    channel.watch((data) => log.push(data));
    await channel.listener("subscribe").once();
    // 7 is the channel's latest (a `latest: true` channel sends it after the reply); 6 came before the subscription.
    server.send(pub("s", 7, 7, "x"), pub("s", 7, 7, "x"), pub("s", 6, 6, "x"), pub("s", 8, 8, "x"), pub("s", "plain"), pub("s", 8, 8, "x"), pub("s", 9, 9, "x"));
    await until(() => log.length >= 4);
    await Bun.sleep(20);
    expect(log).toEqual([7, 8, "plain", 9]);
  });

  test("Channel emits recovery with recovered:false when a live publication comes in a new epoch, and follows that epoch", async () => {
    const server = scriptedServer((packet) => {
      if (packet.event === "#subscribe") return [JSON.stringify({ rid: packet.cid, data: { offset: 2, epoch: "old" } })];
    });
    const socket = client(server);
    const channel = socket.subscribe("s");
    const log = record(channel);
    await channel.listener("subscribe").once();
    server.send(pub("s", "a", 3, "old"), pub("s", "b", 1, "new"), pub("s", "b", 1, "new"), pub("s", "c", 2, "new"));
    await until(() => log.length === 5);
    expect(log.slice(1)).toEqual(["a", { recovery: { channel: "s", recovered: false, offset: 1, epoch: "new" } }, "b", "c"]);
    expect(channel.position).toEqual({ offset: 2, epoch: "new" });
  });

  test("ClientSocket.subscribe() sends a saved position as since; unsubscribe() forgets the position; ephemeral channels send no since", async () => {
    const server = scriptedServer((packet) => {
      if (packet.event === "#subscribe") {
        const history = packet.data.channel.startsWith("h");
        return [JSON.stringify({ rid: packet.cid, data: history ? { offset: 9, epoch: "q", recovered: packet.data.since !== undefined } : undefined })];
      }
      if (packet.event === "#unsubscribe") return [];
    });
    const socket = client(server);
    const saved = socket.subscribe("h", { since: { offset: 4, epoch: "q" } });
    expect((await server.next()).packet.data).toEqual({ channel: "h", since: { offset: 4, epoch: "q" } });
    expect(await saved.listener("subscribe").once()).toEqual({ channel: "h", recovered: true, offset: 9, epoch: "q" });
    const plain = socket.subscribe("plain");
    expect((await server.next()).packet.data).toEqual({ channel: "plain" });
    expect(await plain.listener("subscribe").once()).toEqual({ channel: "plain" });
    expect(plain.position).toBeNull();
    saved.unsubscribe();
    expect((await server.next()).packet).toEqual({ event: "#unsubscribe", data: "h" });
    expect(saved.position).toBeNull();
    socket.subscribe("h");
    expect((await server.next()).packet.data).toEqual({ channel: "h" });
  });

  test("Channel.history() invokes #history with the channel, since and limit, and resolves with the reply or rejects with its error", async () => {
    const page = { publications: [{ offset: 8, data: "a" }, { offset: 9, data: "b" }], offset: 9, epoch: "q" };
    const server = scriptedServer((packet) => {
      if (packet.event !== "#history") return;
      if (packet.data.channel === "app:none") return [JSON.stringify({ rid: packet.cid, error: { name: "InvalidActionError", message: 'Channel "none" keeps no history' } })];
      return [JSON.stringify({ rid: packet.cid, data: page })];
    });
    const socket = create({ hostname: "127.0.0.1", port: server.port, channelPrefix: "app:", autoReconnect: false });
    sockets.push(socket);
    const reading = socket.channel("h").history({ since: { offset: 7, epoch: "q" }, limit: 2 });
    expect((await server.next()).packet).toEqual({ event: "#history", data: { channel: "app:h", since: { offset: 7, epoch: "q" }, limit: 2 }, cid: 2 });
    expect(await reading).toEqual(page);
    const latest = socket.channel("h").history();
    expect((await server.next()).packet).toEqual({ event: "#history", data: { channel: "app:h" }, cid: 3 });
    await latest;
    const error = await socket.channel("none").history().catch((e) => e);
    expect([error.name, error.message]).toEqual(["InvalidActionError", 'Channel "none" keeps no history']);
  });
});

describe("Channel recovery on other runtimes (scripted server)", () => {
  /** Serves one history channel: 1..3, then a cut; after a resubscribe with since, 3 again (a duplicate), 4, 5. */
  function recoveryServer(): Scripted {
    const server: Scripted = scriptedServer((packet, connection) => {
      if (packet.event !== "#subscribe") return;
      if (connection === 1) {
        setTimeout(() => server.cut(), 50);
        return [JSON.stringify({ rid: packet.cid, data: { offset: 0, epoch: "e" } }), pub("h", 1, 1, "e"), pub("h", 2, 2, "e"), pub("h", 3, 3, "e")];
      }
      const ok = packet.data.since?.offset === 3 && packet.data.since?.epoch === "e";
      return [JSON.stringify({ rid: packet.cid, data: { offset: 5, epoch: "e", recovered: ok } }), pub("h", 3, 3, "e"), pub("h", 4, 4, "e"), pub("h", 5, 5, "e")];
    });
    return server;
  }
  const script = (port: number, webSocket: string) => `
    const socket = create({ hostname: "127.0.0.1", port: ${port}, ${webSocket} autoReconnectOptions: { initialDelay: 10, randomness: 0, multiplier: 1, maxDelay: 10 } });
    const channel = socket.subscribe("h");
    const log = [];
    channel.on("recovery", (event) => log.push(event));
    channel.watch((n) => {
      log.push(n);
      if (n === 5) { console.log(JSON.stringify(log)); socket.disconnect(); }
    });`;
  const expected = [1, 2, 3, { channel: "h", recovered: true, offset: 5, epoch: "e" }, 4, 5];

  test("Channel recovers after a cut on Node 20 (ws) with every publication once, in order", async () => {
    const server = recoveryServer();
    const dir = mkdtempSync(`${tmpdir()}/scx-recovery-`);
    const result = await Bun.build({ entrypoints: [new URL("../src/client/index.ts", import.meta.url).pathname], target: "node", format: "esm" });
    await Bun.write(`${dir}/client.mjs`, await result.outputs[0]!.text());
    const ws = new URL("../node_modules/ws/index.js", import.meta.url).pathname;
    await Bun.write(`${dir}/main.mjs`, `
      import { create } from "./client.mjs";
      import { createRequire } from "node:module";
      const WebSocket = createRequire(import.meta.url)(${JSON.stringify(ws)});
      ${script(server.port, "WebSocket,")}`);
    const proc = Bun.spawn(["node", `${dir}/main.mjs`], { stdout: "pipe", stderr: "inherit" });
    const output = await new Response(proc.stdout).text();
    expect(await proc.exited).toBe(0);
    expect(JSON.parse(output)).toEqual(expected);
  });

  test("Channel recovers after a cut on Deno with every publication once, in order", async () => {
    const server = recoveryServer();
    const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
    const client = new URL("../src/client/index.ts", import.meta.url).href;
    const proc = Bun.spawn([deno, "eval", "--ext=ts", `import { create } from ${JSON.stringify(client)};\n${script(server.port, "")}`], { stdout: "pipe", stderr: "inherit" });
    const output = await new Response(proc.stdout).text();
    expect(await proc.exited).toBe(0);
    expect(JSON.parse(output)).toEqual(expected);
  });
});
