/**
 * One channel space for both protocols: socketcluster-client and pusher-js (its Node
 * build) subscribers of the same channel receive each other's publications, and the
 * Pusher HTTP API's, across 2 worker threads of one host and across two hosts (`scx
 * serve` processes, 2 workers each) on a real redis-server. Also `socket_id` exclusion
 * when the HTTP request reaches another host than the excluded connection.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import PusherJs from "pusher-js";
import Pusher from "pusher";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { scClient } from "./helpers/scClient.ts";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";

const app = { id: "mix", key: "mix-key", secret: "mix-secret-0123456", clientEvents: true };
const closers: Array<() => unknown> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** A queue of what a listener heard, awaited one at a time; "probe" events only count in `probes`. */
function inbox<T>() {
  const items: T[] = [];
  const waiters: Array<(item: T) => void> = [];
  let probes = 0;
  return {
    push(item: T) {
      if ((item as { event?: string })?.event === "probe") { probes++; return; }
      const waiter = waiters.shift();
      if (waiter) waiter(item); else items.push(item);
    },
    get probes() { return probes; },
    next(timeoutMs = 15_000): Promise<T> {
      if (items.length) return Promise.resolve(items.shift()!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Nothing heard within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((item) => { clearTimeout(timer); resolve(item); });
      });
    },
    get pending() { return items.length; },
  };
}

/** A pusher-js client subscribed to `channel`, with every event it hears (but pusher:* ones) in its inbox. */
async function pusherSubscriber(port: number, channel: string, authPusher?: Pusher) {
  const heard = inbox<{ event: string; data: unknown }>();
  const client = new PusherJs(app.key, {
    cluster: "mt1", wsHost: "127.0.0.1", wsPort: port, forceTLS: false, enabledTransports: ["ws"], disableStats: true,
    channelAuthorization: {
      endpoint: "/unused", transport: "ajax",
      customHandler: ({ socketId, channelName }, callback) => callback(null, authPusher!.authorizeChannel(socketId, channelName)),
    },
  } as any);
  closers.push(() => client.disconnect());
  const subscription = client.subscribe(channel);
  subscription.bind_global((event: string, data: unknown) => { if (!event.startsWith("pusher")) heard.push({ event, data }); });
  await new Promise<void>((resolve, reject) => {
    subscription.bind("pusher:subscription_succeeded", () => resolve());
    subscription.bind("pusher:subscription_error", (error: unknown) => reject(new Error(`subscription_error ${JSON.stringify(error)}`)));
  });
  return { client, subscription, heard, socketId: () => client.connection.socket_id as string };
}

/** A socketcluster-client subscribed to `channel`, with every publication's data in its inbox. */
async function scSubscriber(port: number, channel: string) {
  const heard = inbox<unknown>();
  const client = scClient(port);
  closers.push(() => client.disconnect());
  const subscription = client.subscribe(channel);
  await subscription.listener("subscribe").once();
  void (async () => { for await (const data of subscription) heard.push(data); })();
  return { client, heard };
}

describe("one host, 2 worker threads", () => {
  let server: ScxServer;
  let pusher: Pusher;
  beforeAll(async () => {
    server = createServer({ host: "127.0.0.1", port: 0, workers: 2, logLevel: "silent", pusher: { apps: [app] } });
    await server.start();
    closers.push(() => server.stop());
    pusher = new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: "127.0.0.1", port: String(server.port), useTLS: false });
  }, 30_000);

  test("SocketCluster publications reach pusher-js subscribers and the Pusher HTTP API's events reach both, on every worker", async () => {
    // Four of each: the kernel spreads them over both workers.
    const pushers = await Promise.all([1, 2, 3, 4].map(() => pusherSubscriber(server.port, "mixed")));
    const scs = await Promise.all([1, 2, 3, 4].map(() => scSubscriber(server.port, "mixed")));
    await scs[0]!.client.invokePublish("mixed", { event: "from-sc", data: { n: 1 } });
    for (const p of pushers) expect(await p.heard.next()).toEqual({ event: "from-sc", data: { n: 1 } });
    for (const s of scs) expect(await s.heard.next()).toEqual({ event: "from-sc", data: { n: 1 } });
    // Data without the { event, data } shape reaches Pusher subscribers as a "message" event.
    await scs[1]!.client.invokePublish("mixed", "plain text");
    for (const p of pushers) expect(await p.heard.next()).toEqual({ event: "message", data: "plain text" });
    for (const s of scs) expect(await s.heard.next()).toBe("plain text");
    await pusher.trigger("mixed", "from-api", { n: 2 });
    for (const p of pushers) expect(await p.heard.next()).toEqual({ event: "from-api", data: { n: 2 } });
    for (const s of scs) expect(await s.heard.next()).toEqual({ event: "from-api", data: { n: 2 } });
  }, 60_000);

  test("a pusher-js client event reaches SocketCluster and other Pusher subscribers, never its sender", async () => {
    const [sender, other] = await Promise.all([1, 2].map(() => pusherSubscriber(server.port, "private-mixed", pusher)));
    const sc = await scSubscriber(server.port, "private-mixed");
    sender!.subscription.trigger("client-typing", { who: "ann" });
    expect(await other!.heard.next()).toEqual({ event: "client-typing", data: { who: "ann" } });
    expect(await sc.heard.next()).toEqual({ event: "client-typing", data: { who: "ann" } });
    // Then one event for all: the sender's first event is this one, not its own client event.
    await pusher.trigger("private-mixed", "after", {});
    expect(await sender!.heard.next()).toEqual({ event: "after", data: {} });
  }, 60_000);
});

describe("two hosts on a real redis-server", () => {
  let redis: RedisProcess;
  const hosts: CliProcess[] = [];
  let apiOf: (port: number) => Pusher;
  beforeAll(async () => {
    redis = await startRedis();
    closers.push(() => redis.stop());
    const dir = mkdtempSync(`${tmpdir()}/scx-pusher-mixed-`);
    writeFileSync(`${dir}/scx.yaml`, [
      "host: 127.0.0.1", "port: 0", "workers: 2", "logFormat: json",
      "cluster:", "  engine: redis", `  urls: ["${redis.url}"]`, '  prefix: "pm:"',
      "pusher:", "  apps:", `    - id: ${app.id}`, `      key: ${app.key}`, `      secret: ${app.secret}`, "      clientEvents: true", "",
    ].join("\n"));
    const cli = new URL("../cli.ts", import.meta.url).pathname;
    for (let i = 0; i < 2; i++) {
      const proc = await startCli([process.execPath, cli, "serve", `${dir}/scx.yaml`]);
      hosts.push(proc);
      closers.push(() => proc.kill());
    }
    apiOf = (port) => new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: "127.0.0.1", port: String(port), useTLS: false });
  }, 60_000);

  test("pusher-js on one host and socketcluster-client on the other receive each other's publications and the HTTP API's", async () => {
    const [a, b] = hosts.map((h) => h.port) as [number, number];
    const pusherOnA = await pusherSubscriber(a, "hosts");
    const scOnB = await scSubscriber(b, "hosts");
    const pusherOnB = await pusherSubscriber(b, "hosts");
    const scOnA = await scSubscriber(a, "hosts");
    // The engine subscription of each host is live once a publication from the other host arrives: retry the first.
    for (let i = 0; pusherOnA.heard.probes === 0 || scOnB.heard.probes === 0; i++) {
      if (i > 100) throw new Error("The hosts never heard each other's probes");
      await scOnB.client.invokePublish("hosts", { event: "probe", data: 0 });
      await scOnA.client.invokePublish("hosts", { event: "probe", data: 0 });
      await Bun.sleep(100);
    }
    await scOnB.client.invokePublish("hosts", { event: "from-b", data: { n: 1 } });
    expect(await pusherOnA.heard.next()).toEqual({ event: "from-b", data: { n: 1 } });
    expect(await pusherOnB.heard.next()).toEqual({ event: "from-b", data: { n: 1 } });
    expect(await scOnA.heard.next()).toEqual({ event: "from-b", data: { n: 1 } });
    expect(await scOnB.heard.next()).toEqual({ event: "from-b", data: { n: 1 } }); // a SocketCluster publisher hears itself
    await apiOf(a).trigger("hosts", "from-api", { n: 2 });
    expect(await pusherOnB.heard.next()).toEqual({ event: "from-api", data: { n: 2 } });
    expect(await scOnB.heard.next()).toEqual({ event: "from-api", data: { n: 2 } });
    expect(await pusherOnA.heard.next()).toEqual({ event: "from-api", data: { n: 2 } });
    expect(await scOnA.heard.next()).toEqual({ event: "from-api", data: { n: 2 } });
    // Counted on both hosts, whichever host answers.
    for (const port of [a, b]) {
      expect(await (await apiOf(port).get({ path: "/channels/hosts", params: { info: "subscription_count" } })).json())
        .toEqual({ occupied: true, subscription_count: 4 });
    }
  }, 90_000);

  // Laravel posts to any host behind the load balancer: the skip crosses the cluster engine.
  test("socket_id exclusion holds when the HTTP request reaches the other host than the excluded connection", async () => {
    const [a, b] = hosts.map((h) => h.port) as [number, number];
    const excluded = await pusherSubscriber(a, "hosts-skip");
    const other = await pusherSubscriber(b, "hosts-skip");
    for (let i = 0; excluded.heard.probes === 0; i++) {
      if (i > 100) throw new Error("Host a never heard host b");
      await apiOf(b).trigger("hosts-skip", "probe", 0);
      await Bun.sleep(100);
    }
    await apiOf(b).trigger("hosts-skip", "not-to-you", {}, { socket_id: excluded.socketId() });
    await apiOf(b).trigger("hosts-skip", "to-all", {});
    expect(await other.heard.next()).toEqual({ event: "not-to-you", data: {} });
    expect(await other.heard.next()).toEqual({ event: "to-all", data: {} });
    expect(await excluded.heard.next()).toEqual({ event: "to-all", data: {} });
  }, 60_000);
});
