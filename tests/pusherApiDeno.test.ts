/**
 * The Pusher HTTP API on Deno (`deno run -A cli.ts serve`, 2 worker threads), driven by
 * the real `pusher` server SDK: a trigger reaches a SocketCluster subscriber as
 * `{ event, data }` and pusher-js subscribers (one left out by `socket_id`), channel
 * queries count whichever worker answers, a wrong secret gets 401,
 * terminateUserConnections closes the user's socket.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import Pusher from "pusher";
import PusherJs from "pusher-js";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { authKey, nextMatching, subscribed, userSocket } from "./helpers/apiClient.ts";

const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;
const running: CliProcess[] = [];
afterAll(() => { for (const proc of running) proc.kill(); });

test("the Pusher HTTP API on Deno with 2 workers: trigger reaches SocketCluster and pusher-js subscribers, socket_id excludes, channels count, 401 on a wrong secret, terminate closes", async () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-deno-pusher-api-`);
  writeFileSync(`${dir}/scx.yaml`, [
    "host: 127.0.0.1", "port: 0", "workers: 2", "logFormat: json",
    "auth:", `  key: ${authKey}`,
    "pusher:", "  apps:", "    - id: \"77\"", "      key: deno-key", "      secret: deno-secret-0123", "",
  ].join("\n"));
  const proc = await startCli([deno, "run", "-A", cli, "serve", `${dir}/scx.yaml`]);
  running.push(proc);
  const options = { appId: "77", key: "deno-key", host: "127.0.0.1", port: String(proc.port), useTLS: false };
  const pusher = new Pusher({ ...options, secret: "deno-secret-0123" });

  const socket = await userSocket(`ws://127.0.0.1:${proc.port}/socketcluster/`, "erin");
  await subscribed(socket, "deno-news", 2);
  expect(await (await pusher.trigger("deno-news", "greet", { text: "hi" })).json()).toEqual({});
  expect((await nextMatching(socket, (p) => p.event === "#publish")).data).toEqual({ channel: "deno-news", data: { event: "greet", data: { text: "hi" } } });
  for (let i = 0; i < 4; i++) {
    expect(await (await pusher.get({ path: "/channels", params: { info: "subscription_count" } })).json())
      .toEqual({ channels: { "deno-news": { subscription_count: 1 } } });
  }
  // pusher-js subscribers on Deno get the SDK's events; socket_id leaves one out.
  const heard: Record<string, string[]> = { a: [], b: [] };
  const clients = Object.keys(heard).map((name) => {
    const client = new PusherJs("deno-key", { cluster: "mt1", wsHost: "127.0.0.1", wsPort: proc.port, forceTLS: false, enabledTransports: ["ws"], disableStats: true });
    return { name, client, subscribed: new Promise<void>((resolve) => {
      const channel = client.subscribe("deno-news");
      channel.bind("pusher:subscription_succeeded", () => resolve());
      channel.bind_global((event: string) => { if (!event.startsWith("pusher")) heard[name]!.push(event); });
    }) };
  });
  await Promise.all(clients.map((c) => c.subscribed));
  await pusher.trigger("deno-news", "not-to-a", {}, { socket_id: clients[0]!.client.connection.socket_id });
  await pusher.trigger("deno-news", "to-all", {});
  for (let i = 0; !(heard.a!.includes("to-all") && heard.b!.includes("to-all")); i++) {
    if (i > 1500) throw new Error(`pusher-js on Deno heard ${JSON.stringify(heard)}`);
    await Bun.sleep(10);
  }
  expect(heard).toEqual({ a: ["to-all"], b: ["not-to-a", "to-all"] });
  for (const { client } of clients) client.disconnect();
  const forged = new Pusher({ ...options, secret: "wrong-secret-0123" });
  const error = await forged.trigger("deno-news", "x", {}).then(() => null, (e) => e);
  expect(error?.status).toBe(401);
  expect(error.body).toStartWith("Invalid signature: you should have sent HmacSHA256Hex(");
  await pusher.terminateUserConnections("erin");
  expect((await socket.closed).code).toBeGreaterThanOrEqual(1000);
}, 90_000);
