/**
 * Metrics and the admin channel across two hosts (2 workers each) on a real redis-server:
 * /metrics is per host (each host counts its own connections), while a signed-in admin
 * socket on one host hears every host's stats on scx.admin/stats, lists connections of
 * both hosts, and disconnects a client on the other host.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import sc from "socketcluster-client";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import type { HostSnapshot } from "../src/metrics/HostStats.ts";
import { signAdminToken } from "../src/admin/adminToken.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";

const apiKey = "metrics-cluster-key-0123456789";
const password = "metrics-cluster-admin";
let redis: RedisProcess;
const hosts: ScxServer[] = [];
const clients: any[] = [];

function connect(host: ScxServer) {
  const client = sc.create({ hostname: "127.0.0.1", port: host.port, autoReconnect: false, ackTimeout: 8000 });
  clients.push(client);
  return client.listener("connect").once().then(() => client);
}

async function connectionsGauge(host: ScxServer): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${host.port}/metrics`, { headers: { authorization: `apikey ${apiKey}` } });
  const families = parsePrometheusTextFormat(await response.text()) as Array<{ name: string; metrics: Array<{ value: string }> }>;
  return Number(families.find((f) => f.name === "scx_connections")!.metrics[0]!.value);
}

beforeAll(async () => {
  redis = await startRedis();
  for (let i = 0; i < 2; i++) {
    const host = createServer({
      host: "127.0.0.1", port: 0, workers: 2, logLevel: "silent", api: { key: apiKey }, admin: { password },
      cluster: { engine: "redis", urls: [redis.url], prefix: "metricstest:" },
    });
    await host.start();
    hosts.push(host);
  }
}, 60_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  for (const host of hosts) await host.stop();
  await redis?.stop();
}, 30_000);

test("/metrics counts each host's own connections; the admin channel and procedures span both hosts", async () => {
  const [a, b] = hosts as [ScxServer, ScxServer];
  await Promise.all([connect(a), connect(a), connect(a)]);
  const onB = await Promise.all([connect(b), connect(b)]);
  expect(await connectionsGauge(a)).toBe(3);
  expect(await connectionsGauge(b)).toBe(2);

  const admin = await connect(a);
  await admin.invoke("scx.admin.signIn", { token: await signAdminToken(password, 1) });
  const seen = new Map<string, HostSnapshot>();
  const stats = admin.subscribe("scx.admin/stats");
  await new Promise<void>((resolve) => {
    (async () => {
      for await (const snapshot of stats) {
        seen.set((snapshot as HostSnapshot).node, snapshot as HostSnapshot);
        if (seen.size === 2) return resolve();
      }
    })();
  });
  const byConnections = [...seen.values()].map((s) => s.connections).sort();
  // Host a has the admin socket besides its three clients.
  expect(byConnections).toEqual([2, 4]);
  for (const snapshot of seen.values()) expect(snapshot.threads.filter((t) => t.role === "worker").length).toBe(2);

  const { rows } = await admin.invoke("scx.admin.connections", { query: "" });
  expect(new Set(rows.map((row: { host: string }) => row.host)).size).toBe(2);
  expect(rows.length).toBe(6);

  const target = onB[0];
  const closed = target.listener("close").once();
  expect(await admin.invoke("scx.admin.disconnect", { client: target.id })).toEqual({ disconnected: 1 });
  await closed;
}, 60_000);
