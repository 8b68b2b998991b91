/**
 * Webhooks across two real scx processes (`bun cli.ts serve`) on a real redis-server:
 * one channel_occupied for the cluster when subscribers of one channel are on both hosts,
 * channel_vacated only after the last host's subscriber leaves; then a host holding
 * undelivered events while the receiver is down is killed (SIGKILL) and restarted, and
 * the events arrive, signed, from the queue Redis kept; the dead host's channel is then
 * vacated, and its presence member removed, by the live one's beat.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createClient } from "redis";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";
import { handshaken, request, type RawSocket } from "./helpers/rawSocket.ts";
import { named, type Receiver, startReceiver } from "./webhooksReceiver.ts";

const secret = "webhook-cluster-secret";
const cli = new URL("../cli.ts", import.meta.url).pathname;
const running: CliProcess[] = [];
const sockets: RawSocket[] = [];
let redis: RedisProcess | null = null;
let hooks: Receiver | null = null;

afterAll(async () => {
  for (const socket of sockets) socket.ws.close();
  for (const proc of running) proc.kill();
  await hooks?.stop();
  await redis?.stop();
});

async function connect(port: number): Promise<RawSocket & { id: string }> {
  const socket = await handshaken(`ws://127.0.0.1:${port}/socketcluster/`);
  sockets.push(socket);
  return socket;
}

test("BrokerWebhooks on two hosts with Redis: one channel_occupied, channel_vacated after the last host's subscriber; a killed host's queued events arrive after its restart, its channel is vacated", async () => {
  redis = await startRedis();
  hooks = startReceiver(secret);
  const dir = mkdtempSync(`${tmpdir()}/scx-webhooks-cluster-`);
  const yaml = `${dir}/scx.yaml`;
  writeFileSync(yaml, [
    "host: 127.0.0.1", "port: 0", "workers: 1", "brokers: 2", "logFormat: json", "logLevel: info", "auth:", "  key: webhooks-cluster-auth-key-0123456789",
    "cluster:", "  engine: redis", `  urls: ["${redis.url}"]`, "  prefix: \"whx:\"",
    "webhooks:", `  - url: ${hooks.url}`, `    secret: ${secret}`,
    "    events: [channel_occupied, channel_vacated, subscribe, unsubscribe, member_added, member_removed]", "    vacateDelay: 400", "    batchMs: 20",
    "channels:", "  - match: durable", "    presence: true",
  ].join("\n") + "\n");
  const hostA = await startCli([process.execPath, cli, "serve", yaml]);
  const hostB = await startCli([process.execPath, cli, "serve", yaml]);
  running.push(hostA, hostB);

  const a = await connect(hostA.port);
  const b = await connect(hostB.port);
  await request(a, "#subscribe", { channel: "room" });
  await request(b, "#subscribe", { channel: "room" });
  await request(a, "#unsubscribe", "room");
  // Longer than vacateDelay: a vacate on the first host's leave would come now.
  await Bun.sleep(1000);
  await request(b, "#unsubscribe", "room");
  await hooks.until((events) => named(events, "channel_vacated", "room").length === 1);
  // Same channel, same lane, delivered in order: a new occupation after it closes the count.
  await request(a, "#subscribe", { channel: "room" });
  await hooks.until((events) => named(events, "channel_occupied", "room").length === 2);
  const lane = hooks.events.filter((e) => e.channel === "room");
  expect(lane.filter((e) => e.name.startsWith("channel_")).map((e) => e.name)).toEqual(["channel_occupied", "channel_vacated", "channel_occupied"]);
  const names = lane.map((e) => `${e.name} ${e.client ?? ""}`.trim());
  expect(names).toContain(`unsubscribe ${b.id}`);
  expect(names.indexOf("channel_vacated")).toBeGreaterThan(names.indexOf(`unsubscribe ${b.id}`));
  expect(named(hooks.events, "subscribe", "room").map((e) => e.client)).toEqual([a.id, b.id, a.id]);

  // Only host A from now on: B leaves cleanly, the receiver goes down.
  hostB.kill("SIGTERM");
  await hostB.proc.exited;
  await hooks.stop();
  const c = await connect(hostA.port);
  await request(c, "#subscribe", { channel: "durable" });
  const client = createClient({ url: redis.url });
  await client.connect();
  const queued = async () => {
    let n = 0;
    for (const key of await client.keys("whx:wh:*:n")) n += Number(await client.get(key));
    return n;
  };
  for (let i = 0; i < 500 && await queued() < 3; i++) await Bun.sleep(20);
  expect(await queued()).toBeGreaterThanOrEqual(3);
  await client.quit();
  hostA.kill("SIGKILL");
  await hostA.proc.exited;

  hooks.start();
  const restarted = await startCli([process.execPath, cli, "serve", yaml]);
  running.push(restarted);
  await hooks.until((events) => ["subscribe", "channel_occupied", "member_added"].every((name) => named(events, name, "durable").length === 1), 90_000);
  expect(named(hooks.events, "subscribe", "durable")[0].client).toBe(c.id);
  expect(named(hooks.events, "member_added", "durable")[0]).toMatchObject({ user: null, client: c.id });
  // The killed host never said goodbye: the restarted one's beat finds it dead (15 s) and vacates its channel.
  await hooks.until((events) => named(events, "channel_vacated", "durable").length === 1 && named(events, "member_removed", "durable").length === 1, 90_000);
  expect(named(hooks.events, "member_removed", "durable")[0]).toMatchObject({ user: null, client: c.id });
  expect(hooks.badSignatures).toBe(0);
}, 180_000);
