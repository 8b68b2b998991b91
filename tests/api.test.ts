/**
 * The server HTTP API on one host with 2 socket worker threads (real HTTP with fetch):
 * the key guard, precise 400s, the OpenAPI document checked by a real validator, presence
 * and history routes, what socketcluster-client sees of server-side subscriptions, and
 * api.port. Also `server.api` in-process (the library, no HTTP).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { validate } from "@readme/openapi-parser";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { apiRouteList } from "../src/http/apiRouteList.ts";
import { apiClient, apiKey, authKey, nextMatching, subscribed, userSocket } from "./helpers/apiClient.ts";
import { scClient } from "./helpers/scClient.ts";
import { startScx, type StartedScx } from "./helpers/startScx.ts";

let server: ScxServer;
let base: string;
const closers: Array<() => void> = [];

beforeAll(async () => {
  server = createServer({
    host: "127.0.0.1", port: 0, workers: 2, logLevel: "silent", auth: { key: authKey }, api: { key: apiKey },
    channels: [{ match: "kept/*", history: { size: 10, ttl: 60 } }, { match: "here/*", presence: true }],
  });
  await server.start();
  base = `http://127.0.0.1:${server.port}`;
}, 30_000);
afterAll(async () => {
  for (const close of closers) close();
  await server.stop();
});

describe("API key", () => {
  test("apiKeyGuard() answers 401 on every /api/ route without the key or with a wrong one", async () => {
    for (const route of apiRouteList) {
      for (const key of [null, "wrong-key-wrong-key"]) {
        const client = apiClient(base, key);
        const { status, body } = route.method === "get" ? await client.get(`${route.path}?channel=a`) : await client.post(route.path, {});
        expect({ route: route.path, status }).toEqual({ route: route.path, status: 401 });
        expect(body.error.name).toBe("AuthError");
      }
    }
  });

  test("GET /api/openapi.json needs no key", async () => {
    const response = await fetch(`${base}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect((await response.json()).openapi).toBe("3.1.0");
  });

  test("the API is off without api.key: /api/ routes are not there", async () => {
    const off = await startScx({});
    closers.push(() => void off.stop());
    expect((await fetch(`http://127.0.0.1:${off.port}/api/info`, { headers: { authorization: `apikey ${apiKey}` } })).status).toBe(404);
  });
});

describe("validation", () => {
  const cases: Array<[string, unknown, string]> = [
    ["/publish", { channel: "", data: 1 }, 'Invalid request body: "channel": expected a non-empty channel name'],
    ["/publish", { channel: "a" }, 'Invalid request body: "data": expected a JSON value'],
    ["/publish", { channel: 5, data: 1 }, 'Invalid request body: "channel": expected string, received number'],
    ["/publish", { channel: "a", data: 1, extra: true }, 'Invalid request body: unknown key "extra"'],
    ["/broadcast", { channels: [], data: 1 }, 'Invalid request body: "channels": expected at least one channel'],
    ["/disconnect", { user: "a", client: "b" }, 'Invalid request body: "user": give either user or client, not both or neither'],
    ["/disconnect", { user: "a", code: "x" }, 'Invalid request body: "code": expected number, received string'],
    ["/disconnect", { user: "a", code: 1006 }, 'Invalid request body: "code": expected 1000 or a code from 3000 to 4999'],
    ["/disconnect", { user: "a", reason: "é".repeat(62) }, 'Invalid request body: "reason": expected at most 123 bytes (UTF-8)'],
    ["/subscribe", { user: "a" }, 'Invalid request body: "channel": expected string, received undefined'],
    ["/publish", "{not json", "Invalid request body: not JSON"],
  ];
  for (const [path, body, message] of cases) {
    test(`POST /api${path} with ${typeof body === "string" ? body : JSON.stringify(body)} answers 400 naming the field`, async () => {
      const answer = await apiClient(base).post(path, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.name).toBe("InvalidArgumentsError");
      expect(answer.body.error.message).toStartWith(message);
    });
  }

  test("POST /api/publish with a body over maxPayload answers 413", async () => {
    const answer = await apiClient(base).post("/publish", { channel: "big", data: "x".repeat(1_100_000) });
    expect(answer.status).toBe(413);
    expect(answer.body.error.message).toBe("Request body too large: more than 1048576 bytes (maxPayload)");
  });

  test("GET /api/history with a bad limit or half a position answers 400 naming the parameter", async () => {
    expect((await apiClient(base).get("/history?channel=kept/1&limit=x")).body.error.message).toBe('Invalid query: "limit": expected number, received NaN');
    expect((await apiClient(base).get("/history?channel=kept/1&since_offset=1")).body.error.message).toBe('Invalid query: "since_epoch": give since_offset and since_epoch together');
    expect((await apiClient(base).get("/history")).status).toBe(400);
  });

  test("GET /api/history on a channel without history answers 400 InvalidActionError", async () => {
    const { status, body } = await apiClient(base).get("/history?channel=plain");
    expect(status).toBe(400);
    expect(body.error.name).toBe("InvalidActionError");
  });

  test("an unknown /api/ route answers 404 in JSON", async () => {
    const { status, body } = await apiClient(base).get("/nothing");
    expect(status).toBe(404);
    expect(body.error.message).toBe("No API route GET /api/nothing");
  });
});

describe("OpenAPI", () => {
  test("apiOpenApi() is a valid OpenAPI 3.1 document (@readme/openapi-parser) listing every route", async () => {
    const document = await (await fetch(`${base}/api/openapi.json`)).json();
    const result = await validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const listed = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`));
    expect(listed.sort()).toEqual([
      "GET /api/channels", "GET /api/history", "GET /api/info", "GET /api/openapi.json", "GET /api/presence", "GET /api/presence-stats",
      "POST /api/broadcast", "POST /api/disconnect", "POST /api/publish", "POST /api/subscribe", "POST /api/unsubscribe",
    ]);
    expect(document.paths["/api/history"].get.parameters.map((p: any) => p.name)).toEqual(["channel", "limit", "since_offset", "since_epoch"]);
  });
});

describe("presence and history", () => {
  test("GET /api/presence and /api/presence-stats list and count a presence channel's members across workers", async () => {
    const a = await userSocket(`ws://127.0.0.1:${server.port}/socketcluster/`, "ann");
    const b = await userSocket(`ws://127.0.0.1:${server.port}/socketcluster/`, "bob");
    closers.push(() => a.ws.close(), () => b.ws.close());
    await subscribed(a, "here/1", 2);
    await subscribed(b, "here/1", 2);
    const { status, body } = await apiClient(base).get("/presence?channel=here/1");
    expect(status).toBe(200);
    expect(body.members.map((m: any) => m.user).sort()).toEqual(["ann", "bob"]);
    expect(body.members.map((m: any) => m.client).sort()).toEqual([a.id, b.id].sort());
    expect(await apiClient(base).get("/presence-stats?channel=here/1")).toEqual({ status: 200, body: { clients: 2, users: 2 } });
  }, 30_000);

  test("GET /api/history pages from a position", async () => {
    const api = apiClient(base);
    const first = (await api.post("/publish", { channel: "kept/h", data: 1 })).body;
    await api.post("/publish", { channel: "kept/h", data: 2 });
    await api.post("/publish", { channel: "kept/h", data: 3 });
    const page = await api.get(`/history?channel=kept/h&since_offset=1&since_epoch=${first.epoch}&limit=1`);
    expect(page.body.publications).toEqual([{ offset: 2, data: 2 }]);
    expect(page.body.offset).toBe(3);
  });
});

describe("server-side subscriptions as socketcluster-client sees them", () => {
  test("POST /api/subscribe by client: the client hears #subscribe on its receiver; /api/unsubscribe kicks it out of the channel", async () => {
    const client = scClient(server.port, { autoReconnect: false });
    closers.push(() => client.disconnect());
    await client.listener("connect").once();
    const told = client.receiver("#subscribe").once();
    expect(await apiClient(base).post("/subscribe", { channel: "push/1", client: client.id })).toEqual({ status: 200, body: { subscribed: 1 } });
    expect(await told).toEqual({ channel: "push/1" });
    // The app follows up with its own subscribe (scx answers a repeated subscribe at once).
    const channel = client.subscribe("push/1");
    await channel.listener("subscribe").once();
    const kicked = client.listener("kickOut").once();
    expect(await apiClient(base).post("/unsubscribe", { channel: "push/1", client: client.id })).toEqual({ status: 200, body: { unsubscribed: 1 } });
    expect(await kicked).toEqual({ channel: "push/1", message: undefined });
    expect(client.isSubscribed("push/1")).toBe(false);
  }, 30_000);
});

describe("a thread that is down", () => {
  test("server.control.ask() reports a killed worker as an error entry at once instead of waiting, and /api/info is whole again after its restart", async () => {
    const restarted = server.supervisor!.nextStart("worker", 1);
    server.supervisor!.kill("worker", 1);
    const [host] = await server.control.ask("stats", {}, { scope: "host" });
    expect(host!.threads.map((t) => t.error ?? "ok")).toEqual(["ok", "worker 1 is down"]);
    await restarted;
    const { body } = await apiClient(base).get("/info");
    expect(body.nodes[0].error).toBeUndefined();
  }, 30_000);
});

describe("the control path's roles", () => {
  test("server.control.ask() with roles reaches broker threads too, and an op a thread lacks is an error entry", async () => {
    const [host] = await server.control.ask("no-such-op", {}, { scope: "host", roles: ["worker", "broker"] });
    expect(host!.threads).toEqual([
      { role: "worker", id: 0, error: 'No control op "no-such-op" on this thread' },
      { role: "worker", id: 1, error: 'No control op "no-such-op" on this thread' },
      { role: "broker", id: 0, error: 'No control op "no-such-op" on this thread' },
    ]);
  });
});

describe("api.port", () => {
  test("with api.port the API answers there (main thread) and not on the public port", async () => {
    const split = createServer({ host: "127.0.0.1", port: 0, workers: 2, logLevel: "silent", api: { key: apiKey, port: 0 } });
    await split.start();
    try {
      expect(split.apiPort).toBeGreaterThan(0);
      const { status, body } = await apiClient(`http://127.0.0.1:${split.apiPort}`).get("/info");
      expect(status).toBe(200);
      expect(body.nodes[0].workers).toBe(2);
      expect((await fetch(`http://127.0.0.1:${split.port}/api/info`, { headers: { authorization: `apikey ${apiKey}` } })).status).toBe(404);
    } finally {
      await split.stop();
    }
  }, 30_000);
});

describe("server.api (the library)", () => {
  let lib: StartedScx;
  beforeAll(async () => { lib = await startScx({ auth: { key: authKey }, channels: [{ match: "kept/*", history: { size: 5, ttl: 60 } }] }); });
  afterAll(() => lib.stop());

  test("server.api.publish(), channels(), info() and disconnect() work in-process without HTTP or an api.key", async () => {
    const url = `ws://127.0.0.1:${lib.port}/socketcluster/`;
    const ann = await userSocket(url, "ann");
    await subscribed(ann, "lib/1", 2);
    expect(await lib.server.api.publish("lib/1", { n: 1 })).toEqual({});
    expect((await nextMatching(ann, (p) => p.event === "#publish")).data).toEqual({ channel: "lib/1", data: { n: 1 } });
    expect(await lib.server.api.publish("kept/1", "x")).toEqual({ offset: 1, epoch: expect.any(String) });
    expect(await lib.server.api.channels("lib/*")).toEqual({ channels: [{ channel: "lib/1", subscribers: 1 }] });
    const { nodes } = await lib.server.api.info();
    expect(nodes).toEqual([expect.objectContaining({ workers: 1, connections: 1, subscriptions: 1, channels: 1 })]);
    expect(await lib.server.api.disconnect({ user: "ann" })).toEqual({ disconnected: 1 });
    expect((await ann.closed).code).toBe(1000);
    expect((await fetch(`http://127.0.0.1:${lib.port}/api/info`)).status).toBe(404);
  });

  test("server.api before start() rejects with a TypeError that says so", async () => {
    const idle = createServer({ port: 0, workers: 0, logLevel: "silent" });
    await expect(idle.api.info()).rejects.toThrow("server.api needs the server started (await server.start())");
  });
});
