/**
 * Webhooks on one host, against a real receiver (Bun.serve) that checks every signature:
 * channel_occupied/channel_vacated once per occupation, debounced across a reconnect; a
 * receiver that answers 500 to its first calls still gets every event, once each after
 * dedupe by id, in order per channel (and /metrics counts the failures); presence
 * member_added/member_removed per user, not per connection, across two worker threads.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { request, type RawSocket } from "./helpers/rawSocket.ts";
import { authKey, userSocket } from "./helpers/apiClient.ts";
import { named, type Receiver, startReceiver } from "./webhooksReceiver.ts";
import { Dispatcher } from "../src/webhooks/Dispatcher.ts";
import { MemoryWebhookStore } from "../src/webhooks/memory.ts";
import { WebhookCounters } from "../src/webhooks/WebhookCounters.ts";
import { webhookTargets } from "../src/webhooks/targets.ts";
import { configSchema } from "../src/config/schema.ts";
import { createLogger, type LogRecord } from "../src/log/logger.ts";

const secret = "webhook-test-secret";
const servers: ScxServer[] = [];
const receivers: Receiver[] = [];
const sockets: RawSocket[] = [];

afterAll(async () => {
  for (const socket of sockets) socket.ws.close();
  for (const server of servers) await server.stop();
  for (const receiver of receivers) await receiver.stop();
});


async function start(config: Record<string, unknown>): Promise<ScxServer> {
  const server = createServer({ host: "127.0.0.1", port: 0, logLevel: "error", workers: 0, auth: { key: authKey }, ...config });
  servers.push(server);
  await server.start();
  return server;
}

function receiver(): Receiver {
  const r = startReceiver(secret);
  receivers.push(r);
  return r;
}

/** A handshaken raw socket (with a token for `user`), closed after the file. */
async function connect(server: ScxServer, user?: string): Promise<RawSocket & { id: string }> {
  const socket = await userSocket(`ws://127.0.0.1:${server.port}/socketcluster/`, user ?? null);
  sockets.push(socket);
  return socket;
}

const subscribe = (socket: RawSocket, channel: string) => request(socket, "#subscribe", { channel });
const unsubscribe = (socket: RawSocket, channel: string) => request(socket, "#unsubscribe", channel);

describe("BrokerWebhooks channel_occupied and channel_vacated (in-process, memory engine)", () => {
  test("BrokerWebhooks.emptied() fires channel_vacated once after vacateDelay; a later subscriber is a new occupation", async () => {
    const hooks = receiver();
    const server = await start({ webhooks: [{ url: hooks.url, secret, events: ["channel_occupied", "channel_vacated"], vacateDelay: 200, batchMs: 20 }] });
    const socket = await connect(server);
    await subscribe(socket, "prices/eur");
    await unsubscribe(socket, "prices/eur");
    await hooks.until((events) => named(events, "channel_vacated", "prices/eur").length === 1);
    // The same lane (channel) is delivered in order: a second occupation arriving after
    // one vacate proves there was exactly one vacate between.
    await subscribe(socket, "prices/eur");
    await hooks.until((events) => named(events, "channel_occupied", "prices/eur").length === 2);
    expect(named(hooks.events, "channel_vacated", "prices/eur")).toHaveLength(1);
    expect(hooks.events.filter((e) => e.channel === "prices/eur").map((e) => e.name)).toEqual(["channel_occupied", "channel_vacated", "channel_occupied"]);
    expect(hooks.events[0]).toEqual({ name: "channel_occupied", id: expect.any(String), at: expect.any(Number), channel: "prices/eur" });
    expect(hooks.calls.every((call) => typeof call.body.time_ms === "number")).toBe(true);
    expect(hooks.badSignatures).toBe(0);
    // In-process brokers report their webhook counters too (server.metrics(), /metrics).
    let metrics = "";
    for (let i = 0; i < 100 && !metrics.includes("scx_webhook_events_sent_total 3"); i++) metrics = await server.metrics();
    expect(metrics).toContain("scx_webhook_events_sent_total 3");
    expect(metrics).toContain("scx_webhook_events_queued 0");
  }, 60_000);

  test("BrokerWebhooks.occupied() within vacateDelay of a leave fires neither event again (a reconnecting client)", async () => {
    const hooks = receiver();
    const server = await start({ webhooks: [{ url: hooks.url, secret, events: ["channel_occupied", "channel_vacated"], vacateDelay: 1500, batchMs: 20 }] });
    const first = await connect(server);
    await subscribe(first, "flappy");
    await hooks.until((events) => named(events, "channel_occupied", "flappy").length === 1);
    first.ws.close();
    await first.closed;
    const again = await connect(server);
    await subscribe(again, "flappy");
    await unsubscribe(again, "flappy");
    await hooks.until((events) => named(events, "channel_vacated", "flappy").length === 1);
    expect(hooks.events.filter((e) => e.channel === "flappy").map((e) => e.name)).toEqual(["channel_occupied", "channel_vacated"]);
    expect(hooks.badSignatures).toBe(0);
  }, 60_000);
});

describe("BrokerWebhooks with channel_occupied only", () => {
  test("BrokerWebhooks.occupied() fires again for a channel that stayed empty past vacateDelay, for a target without channel_vacated", async () => {
    const hooks = receiver();
    const server = await start({ webhooks: [{ url: hooks.url, secret, events: ["channel_occupied"], vacateDelay: 100, batchMs: 10 }] });
    const socket = await connect(server);
    await subscribe(socket, "once-more");
    await unsubscribe(socket, "once-more");
    await hooks.until((events) => named(events, "channel_occupied", "once-more").length === 1);
    // Longer than vacateDelay: the channel has been vacant (nobody is told) by the time it is taken again.
    await Bun.sleep(400);
    await subscribe(socket, "once-more");
    await hooks.until((events) => named(events, "channel_occupied", "once-more").length === 2);
    expect(hooks.events.map((e) => e.name)).toEqual(["channel_occupied", "channel_occupied"]);
  }, 30_000);
});

describe("webhookTargets() channel patterns", () => {
  test("webhookTargets() channels: only events on matching channels reach the target; connect and disconnect always do", async () => {
    const hooks = receiver();
    const server = await start({ webhooks: [{ url: hooks.url, secret, events: ["connect", "subscribe", "disconnect"], channels: ["prices/*", "news/**"], batchMs: 10 }] });
    const socket = await connect(server);
    for (const ch of ["chat/1", "prices/eur", "prices/eur/x", "news", "news/a/b"]) await subscribe(socket, ch);
    socket.ws.close(1000);
    await hooks.until((events) => named(events, "disconnect").length === 1);
    expect(named(hooks.events, "connect")).toHaveLength(1);
    // Lanes (channels) are independent, so compare as sets.
    expect(named(hooks.events, "subscribe").map((e) => e.channel).sort()).toEqual(["news", "news/a/b", "prices/eur"]);
  }, 30_000);
});

describe("Dispatcher retries (worker threads)", () => {
  test("Dispatcher retries a receiver's 500s: every event arrives once after dedupe by id, in order per channel; /metrics counts it", async () => {
    const hooks = receiver();
    hooks.failNext(3);
    const server = await start({ workers: 1, brokers: 2, webhooks: [{ url: hooks.url, secret, events: ["subscribe", "unsubscribe"], batchMs: 10, maxBatch: 3 }] });
    const channels = ["orders/1", "orders/2", "orders/3"];
    const clients = [await connect(server), await connect(server), await connect(server)];
    const expected = new Map(channels.map((ch) => [ch, [] as string[]]));
    for (let round = 0; round < 2; round++) {
      for (const ch of channels) {
        for (const socket of clients) { await subscribe(socket, ch); expected.get(ch)!.push(`subscribe ${socket.id}`); }
        for (const socket of clients) { await unsubscribe(socket, ch); expected.get(ch)!.push(`unsubscribe ${socket.id}`); }
      }
    }
    const total = channels.length * clients.length * 4;
    await hooks.until((events) => new Set(events.map((e) => e.id)).size === total, 60_000);
    const seen = new Set<string>();
    const unique = hooks.events.filter((e) => !seen.has(e.id) && seen.add(e.id));
    for (const ch of channels) {
      expect(unique.filter((e) => e.channel === ch).map((e) => `${e.name} ${e.client}`)).toEqual(expected.get(ch)!);
    }
    expect(hooks.calls.filter((call) => call.status === 500)).toHaveLength(3);
    expect(hooks.badSignatures).toBe(0);
    let metrics = "";
    for (let i = 0; i < 100; i++) {
      metrics = await server.metrics();
      if (metrics.includes(`scx_webhook_events_sent_total ${hooks.events.length}`)) break;
      await Bun.sleep(50);
    }
    expect(metrics).toContain(`scx_webhook_events_sent_total ${hooks.events.length}`);
    expect(metrics).toContain("scx_webhook_requests_failed_total 3");
    expect(metrics).toMatch(/scx_webhook_events_retried_total [1-9]/);
    expect(metrics).toContain("scx_webhook_events_queued 0");
  }, 120_000);
});

describe("Dispatcher lanes", () => {
  test("Dispatcher keeps delivering other channels while the receiver rejects one; that one arrives in order once accepted", async () => {
    const hooks = receiver();
    hooks.rejectIf((body) => body.events.some((e: any) => e.channel === "stuck"));
    const server = await start({ webhooks: [{ url: hooks.url, secret, events: ["subscribe", "unsubscribe"], batchMs: 10 }] });
    const socket = await connect(server);
    await subscribe(socket, "stuck");
    await unsubscribe(socket, "stuck");
    for (const ch of ["free/1", "free/2", "free/3"]) await subscribe(socket, ch);
    await hooks.until((events) => ["free/1", "free/2", "free/3"].every((ch) => named(events, "subscribe", ch).length === 1));
    expect(named(hooks.events, "subscribe", "stuck")).toEqual([]);
    expect(hooks.calls.some((call) => call.status === 500)).toBe(true);
    hooks.rejectIf(null);
    await hooks.until((events) => named(events, "unsubscribe", "stuck").length === 1);
    const seen = new Set<string>();
    expect(hooks.events.filter((e) => e.channel === "stuck" && !seen.has(e.id) && seen.add(e.id)).map((e) => e.name)).toEqual(["subscribe", "unsubscribe"]);
    expect(hooks.badSignatures).toBe(0);
  }, 60_000);
});

describe("Dispatcher retryFor", () => {
  test("Dispatcher drops a batch retried for longer than retryFor, counts it as expired and logs it", async () => {
    const hooks = receiver();
    hooks.failNext(1_000_000);
    const [target] = webhookTargets(configSchema.parse({ webhooks: [{ url: hooks.url, secret, events: ["subscribe"], retryFor: 0.5, batchMs: 0 }] }));
    const store = new MemoryWebhookStore();
    const counters = new WebhookCounters();
    const records: LogRecord[] = [];
    const log = createLogger({ level: "info", role: "test", id: 0, sink: (record) => records.push(record) });
    const dispatcher = new Dispatcher(target!, () => store, counters, log);
    store.push(target!.id, [{ lane: "a", events: ['{"name":"subscribe","id":"1"}', '{"name":"subscribe","id":"2"}'] }], 100);
    dispatcher.notify();
    try {
      for (let i = 0; i < 500 && counters.dropped.expired === 0; i++) await Bun.sleep(10);
      expect(counters.dropped.expired).toBe(2);
      expect(store.queued(target!.id)).toBe(0);
      expect(counters.failed).toBeGreaterThanOrEqual(2);
      expect(counters.retried).toBeGreaterThanOrEqual(2);
      expect(records.map((r) => r.msg)).toContain("Dropped webhook events: retried for longer than retryFor");
      expect(hooks.calls.every((call) => call.status === 500)).toBe(true);
    } finally {
      await dispatcher.close();
    }
  }, 30_000);
});

describe("BrokerWebhooks members (2 worker threads)", () => {
  test("BrokerWebhooks.memberJoined() makes member_added once per user, memberLeft() member_removed after the user's last connection", async () => {
    const hooks = receiver();
    const server = await start({
      workers: 2, channels: [{ match: "room/*", presence: true }],
      webhooks: [{ url: hooks.url, secret, events: ["member_added", "member_removed"], batchMs: 10 }],
    });
    const ch = "room/1";
    const [ann1, ann2, bob] = [await connect(server, "ann"), await connect(server, "ann"), await connect(server, "bob")];
    for (const socket of [ann1, ann2, bob]) await subscribe(socket, ch);
    await unsubscribe(ann1, ch);
    await unsubscribe(ann2, ch);
    await hooks.until((events) => named(events, "member_removed", ch).length === 1);
    await unsubscribe(bob, ch);
    await hooks.until((events) => named(events, "member_removed", ch).length === 2);
    expect(hooks.events.map((e) => `${e.name} ${e.user}`)).toEqual(["member_added ann", "member_added bob", "member_removed ann", "member_removed bob"]);
    expect(hooks.events[0]).toEqual({ name: "member_added", id: expect.any(String), at: expect.any(Number), channel: ch, user: "ann" });
    expect(hooks.badSignatures).toBe(0);
  }, 60_000);
});

describe("BrokerWebhooks after a broker restart (memory engine)", () => {
  test("BrokerWebhooks counts a restarted broker's resynced channels and members silently: no second channel_occupied or member_added, and their leave is member_removed", async () => {
    const hooks = receiver();
    const server = await start({
      workers: 1, channels: [{ match: "room/*", presence: true }],
      webhooks: [{ url: hooks.url, secret, events: ["member_added", "member_removed", "channel_occupied"], batchMs: 10 }],
    });
    const ann = await connect(server, "ann");
    await subscribe(ann, "room/9");
    await hooks.until((events) => named(events, "member_added", "room/9").length === 1);
    const restarted = server.supervisor!.nextStart("broker", 0);
    server.supervisor!.kill("broker", 0);
    await restarted;
    // Answered by the new broker once the worker has resynced its members.
    for (let i = 0; i < 100; i++) {
      const members = await request(ann, "#presence", { channel: "room/9" }).catch(() => null);
      if (Array.isArray(members) && members.length === 1) break;
      await Bun.sleep(20);
    }
    const bob = await connect(server, "bob");
    await subscribe(bob, "room/9");
    await unsubscribe(ann, "room/9");
    await hooks.until((events) => named(events, "member_removed", "room/9").length === 1);
    expect(hooks.events.map((e) => `${e.name} ${e.user ?? e.channel}`)).toEqual(["channel_occupied room/9", "member_added ann", "member_added bob", "member_removed ann"]);
  }, 60_000);
});

describe("Dispatcher and the bounded queue (a real scx process)", () => {
  test("Dispatcher logs a target that keeps failing; past queueLimit new events are dropped, logged and counted on /metrics", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { startCli } = await import("./helpers/startCli.ts");
    const hooks = receiver();
    hooks.failNext(1_000_000);
    const dir = mkdtempSync(`${tmpdir()}/scx-webhooks-overflow-`);
    writeFileSync(`${dir}/scx.yaml`, [
      "host: 127.0.0.1", "port: 0", "workers: 1", "logFormat: json", "api:", "  key: webhooks-metrics-key-0123456789", "auth:", `  key: ${authKey}`,
      "webhooks:", `  - url: ${hooks.url}`, `    secret: ${secret}`, "    events: [subscribe]", "    queueLimit: 3", "    batchMs: 10",
    ].join("\n") + "\n");
    const proc = await startCli([process.execPath, new URL("../cli.ts", import.meta.url).pathname, "serve", `${dir}/scx.yaml`]);
    try {
      const socket = await userSocket(`ws://127.0.0.1:${proc.port}/socketcluster/`, null);
      sockets.push(socket);
      for (let i = 0; i < 6; i++) await subscribe(socket, `overflow/${i}`);
      const metrics = async () => (await fetch(`http://127.0.0.1:${proc.port}/metrics`, { headers: { authorization: "apikey webhooks-metrics-key-0123456789" } })).text();
      let page = "";
      for (let i = 0; i < 300 && !(page.includes('scx_webhook_events_dropped_total{reason="overflow"} 3') && proc.output().includes("keeps failing")); i++) {
        page = await metrics();
        await Bun.sleep(50);
      }
      page = await metrics();
      expect(page).toContain('scx_webhook_events_dropped_total{reason="overflow"} 3');
      expect(page).toContain("scx_webhook_events_queued 3");
      expect(page).toMatch(/scx_webhook_requests_failed_total [3-9]/);
      expect(proc.output()).toContain("Webhook queue full: dropped new events");
      expect(proc.output()).toContain("Webhook target keeps failing; retrying with backoff");
      expect(hooks.events).toEqual([]);
    } finally {
      proc.kill();
    }
  }, 120_000);
});
