/**
 * The scx client (`scx/client`) against a real scx server: pub/sub, RPC both ways,
 * reconnect with resubscription after a server restart, the offline queue, backoff
 * bounds, kickOut, hydrated errors, auth; and the same client on Node 20 and on Deno.
 * The wire details against a scripted server are in clientWire.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { type AuthStorage, type ClientSocket, create, reconnectDelay } from "../src/client/index.ts";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { namedError } from "../src/index.ts";

const fast = { initialDelay: 20, randomness: 20, multiplier: 1.5, maxDelay: 200 };
let scx: StartedScx;
const sockets: ClientSocket[] = [];

function register(server: StartedScx["server"]) {
  server.procedure("echo", (data) => data);
  server.procedure("never", () => new Promise(() => {}));
  server.procedure("fail", () => { throw namedError("MyError", "It went wrong", { extra: 7 }); });
  server.procedure("askBack", (data, socket) => socket.invoke("double", data));
  server.procedure("kickMe", (channel, socket) => socket.kickOut(channel, "out you go"));
  server.receiver("ping", (data, socket) => socket.transmit("pong", data));
  server.receiver("dropMe", (reason, socket) => socket.disconnect(4100, reason));
  server.procedure("mySubscriptions", (_data, socket) => socket.subscriptions());
}

async function connect(options: Parameters<typeof create>[0] = {}) {
  const socket = create({ hostname: "127.0.0.1", port: scx.port, autoReconnectOptions: fast, ackTimeout: 2000, ...options });
  sockets.push(socket);
  await socket.listener("connect").once();
  return socket;
}

beforeAll(async () => {
  scx = await startScx();
  register(scx.server);
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await scx.stop();
});

describe("ClientSocket", () => {
  test("ClientSocket.subscribe() delivers publications to watch() and to for await, in order", async () => {
    const socket = await connect();
    const channel = socket.subscribe("news");
    await channel.listener("subscribe").once();
    expect(channel.state).toBe("subscribed");
    const watched: number[] = [];
    channel.watch((n: number) => watched.push(n));
    const iterated: number[] = [];
    const done = (async () => {
      for await (const n of channel) {
        iterated.push(n);
        if (iterated.length === 50) return;
      }
    })();
    for (let i = 0; i < 50; i++) socket.transmitPublish("news", i);
    await done;
    expect(iterated).toEqual([...Array(50).keys()]);
    expect(watched).toEqual([...Array(50).keys()]);
  });

  test("ClientSocket.invoke() gets the reply; transmit() reaches the receiver; the server's transmit and invoke reach the client", async () => {
    const socket = await connect();
    expect(await socket.invoke("echo", { a: [1, 2] })).toEqual({ a: [1, 2] });
    const pong = socket.receiver("pong").once();
    socket.transmit("ping", "hello");
    expect(await pong).toBe("hello");
    socket.onInvoke("double", (n: number) => n * 2);
    expect(await socket.invoke("askBack", 21)).toBe(42);
  });

  test("ClientSocket.invoke() rejects with the server's error, hydrated with its name and fields", async () => {
    const socket = await connect();
    const error = await socket.invoke("fail").catch((e) => e);
    expect([error.name, error.message, error.extra]).toEqual(["MyError", "It went wrong", 7]);
    expect((await socket.invoke("missing").catch((e) => e)).name).toBe("NoProcedureError");
  });

  test("ClientSocket.invoke() rejects with TimeoutError after ackTimeout", async () => {
    const socket = await connect();
    const error = await socket.invoke("never", null, { ackTimeout: 100 }).catch((e) => e);
    expect(error.name).toBe("TimeoutError");
  });

  test("ClientSocket emits kickOut and drops the channel without unsubscribing", async () => {
    const socket = await connect();
    await socket.subscribe("kick").listener("subscribe").once();
    const kicked = socket.listener("kickOut").once();
    await socket.invoke("kickMe", "kick");
    expect(await kicked).toEqual({ channel: "kick", message: "out you go" });
    expect(socket.isSubscribed("kick", true)).toBe(false);
  });

  test("reconnectDelay() stays within initialDelay..initialDelay+randomness, times multiplier^attempt, capped", () => {
    const options = { initialDelay: 1000, randomness: 1000, multiplier: 2, maxDelay: 10000 };
    expect(reconnectDelay(0, options, () => 0)).toBe(1000);
    expect(reconnectDelay(0, options, () => 0.999999)).toBe(2000);
    expect(reconnectDelay(2, options, () => 0.5)).toBe(6000);
    expect(reconnectDelay(10, options, () => 0)).toBe(10000);
    for (let attempt = 0; attempt < 6; attempt++) {
      for (let i = 0; i < 100; i++) {
        const delay = reconnectDelay(attempt, options);
        expect(delay).toBeGreaterThanOrEqual(Math.min(1000 * 2 ** attempt, 10000));
        expect(delay).toBeLessThanOrEqual(Math.min(2000 * 2 ** attempt, 10000));
      }
    }
  });
});

describe("ClientSocket against scx", () => {
  test("ClientSocket rejects invokes in flight with BadConnectionError before it emits disconnect", async () => {
    const socket = await connect({ autoReconnect: false });
    const order: string[] = [];
    const inFlight = socket.invoke("never").catch((error) => { order.push(error.name); return error; });
    const disconnected = socket.listener("disconnect").once().then((event) => { order.push("disconnect"); return event; });
    socket.transmit("dropMe", "bye");
    const error = await inFlight;
    expect([error.type, error.code, error.reason]).toEqual(["disconnect", 4100, "bye"]);
    expect(await disconnected).toEqual({ code: 4100, reason: "bye" });
    expect(order).toEqual(["BadConnectionError", "disconnect"]);
    expect(socket.state).toBe("closed");
  });

  test("ClientSocket.channel() keeps watchers across unsubscribe() and subscribe(); Channel.close() ends for await", async () => {
    const socket = await connect();
    const channel = socket.channel<number>("later");
    expect(channel.state).toBe("unsubscribed");
    const watched: number[] = [];
    channel.watch((n) => watched.push(n));
    expect(socket.subscribe("later")).toBe(channel);
    await channel.listener("subscribe").once();
    let next = channel.once();
    await socket.invokePublish("later", 1);
    await next;
    channel.unsubscribe();
    expect(channel.state).toBe("unsubscribed");
    expect(await socket.invoke("mySubscriptions")).not.toContain("later");
    socket.subscribe("later");
    await channel.listener("subscribe").once();
    expect(await socket.invoke("mySubscriptions")).toContain("later");
    const looped = (async () => {
      const seen: number[] = [];
      for await (const n of channel) seen.push(n);
      return seen;
    })();
    next = channel.once();
    await socket.invokePublish("later", 2);
    await next;
    channel.close();
    expect(await looped).toEqual([2]);
    expect(watched).toEqual([1, 2]);
    expect(channel.watchers()).toEqual([]);
    expect(socket.isSubscribed("later", true)).toBe(false);
    expect(await socket.invoke("mySubscriptions")).not.toContain("later");
  });

  test("ClientSocket.subscribe() emits subscribeFail with the server's error and drops the channel", async () => {
    const limited = await startScx({ socketChannelLimit: 1 });
    try {
      const socket = await connect({ port: limited.port });
      await socket.subscribe("one").listener("subscribe").once();
      const failed = socket.listener("subscribeFail").once();
      const two = socket.subscribe("two");
      const { channel, error } = await failed;
      expect([channel, error.name]).toEqual(["two", "BrokerError"]);
      expect(two.state).toBe("unsubscribed");
      expect(socket.subscriptions(true)).toEqual(["one"]);
    } finally {
      await limited.stop();
    }
  });

  test("ClientSocket stores the token from setAuthToken, sends waitForAuth subscriptions then, and re-authenticates on reconnect", async () => {
    const secured = await startScx({ auth: { key: "client-test-key-0123456789abcdef" } });
    secured.server.procedure("login", async (sub, socket) => {
      await socket.setAuthToken({ sub });
      return "ok";
    });
    try {
      const stored = new Map<string, string>();
      const authEngine: AuthStorage = {
        saveToken: async (name, token) => stored.set(name, token),
        loadToken: async (name) => stored.get(name) ?? null,
        removeToken: async (name) => stored.delete(name),
      };
      const socket = await connect({ port: secured.port, authEngine, authTokenName: "test.token" });
      const secret = socket.subscribe("secret", { waitForAuth: true });
      const changes: string[] = [];
      socket.on("authStateChange", ({ newAuthState }) => changes.push(newAuthState));
      const authenticated = socket.listener("authenticate").once();
      const subscribed = secret.listener("subscribe").once();
      expect(secret.state).toBe("pending");
      expect(await socket.invoke("login", "alice")).toBe("ok");
      expect((await authenticated).authToken.sub).toBe("alice");
      await subscribed;
      expect([socket.authState, socket.authToken?.sub]).toEqual(["authenticated", "alice"]);
      expect(stored.get("test.token")).toBe(socket.signedAuthToken!);
      socket.reconnect();
      expect((await socket.listener("connect").once()).isAuthenticated).toBe(true);
      await socket.deauthenticate();
      expect([socket.authState, socket.signedAuthToken, stored.has("test.token")]).toEqual(["unauthenticated", null, false]);
      expect(changes).toEqual(["authenticated", "unauthenticated"]);
    } finally {
      await secured.stop();
    }
  });
});

describe("ClientSocket across a server restart", () => {
  test("ClientSocket reconnects, resubscribes, and flushes the offline queue in order", async () => {
    const port = scx.port;
    const socket = await connect();
    const channel = socket.subscribe("survivor");
    await channel.listener("subscribe").once();
    const disconnected = socket.listener("disconnect").once();
    await scx.stop();
    expect((await disconnected).code).toBe(1001);
    expect(channel.state).toBe("pending");
    // Made while the server is down: queued, then sent in order after the next handshake.
    for (let i = 0; i < 5; i++) socket.transmitPublish("survivor", `queued ${i}`);
    const replies = Promise.all([socket.invoke("echo", "a"), socket.invoke("echo", "b")]);
    const received: string[] = [];
    const allFive = (async () => {
      for await (const data of channel) {
        received.push(data);
        if (received.length === 5) return;
      }
    })();
    scx = await startScx({ port });
    register(scx.server);
    await channel.listener("subscribe").once();
    expect(channel.state).toBe("subscribed");
    expect(await replies).toEqual(["a", "b"]);
    await allFive;
    expect(received).toEqual(["queued 0", "queued 1", "queued 2", "queued 3", "queued 4"]);
  });
});

describe("the client on other runtimes", () => {
  async function bundle(): Promise<string> {
    const dir = mkdtempSync(`${tmpdir()}/scx-client-`);
    const result = await Bun.build({ entrypoints: [new URL("../src/client/index.ts", import.meta.url).pathname], target: "node", format: "esm" });
    await Bun.write(`${dir}/client.mjs`, await result.outputs[0].text());
    return dir;
  }

  test("the client runs on Node 20 with the ws package's WebSocket", async () => {
    const dir = await bundle();
    const ws = new URL("../node_modules/ws/index.js", import.meta.url).pathname;
    await Bun.write(`${dir}/main.mjs`, `
      import { create } from "./client.mjs";
      import { createRequire } from "node:module";
      const WebSocket = createRequire(import.meta.url)(${JSON.stringify(ws)});
      const socket = create({ hostname: "127.0.0.1", port: ${scx.port}, WebSocket, autoReconnect: false });
      socket.on("connect", async () => {
        console.log(JSON.stringify(await socket.invoke("echo", "from node " + process.version)));
        socket.disconnect();
      });`);
    // Async spawn: the server under test runs in this process and must keep answering.
    const proc = Bun.spawn(["node", `${dir}/main.mjs`], { stdout: "pipe", stderr: "inherit" });
    const output = await new Response(proc.stdout).text();
    expect(await proc.exited).toBe(0);
    expect(output.trim()).toMatch(/^"from node v\d+/);
  });

  test("the client runs on Deno with its global WebSocket", async () => {
    const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
    const client = new URL("../src/client/index.ts", import.meta.url).href;
    const script = `
      import { create } from ${JSON.stringify(client)};
      const socket = create({ hostname: "127.0.0.1", port: ${scx.port}, autoReconnect: false });
      socket.on("connect", async () => {
        console.log(JSON.stringify(await socket.invoke("echo", "from deno")));
        socket.disconnect();
      });`;
    const proc = Bun.spawn([deno, "eval", "--ext=ts", script], { stdout: "pipe", stderr: "inherit" });
    const output = await new Response(proc.stdout).text();
    expect(await proc.exited).toBe(0);
    expect(output.trim()).toBe('"from deno"');
  });
});
