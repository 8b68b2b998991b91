/**
 * The Pusher HTTP API on Deno (`deno run -A cli.ts serve`, 2 worker threads), driven by
 * the real `pusher` server SDK: a trigger reaches a SocketCluster subscriber as
 * `{ event, data }`, channel queries count it whichever worker answers, a wrong secret
 * gets 401, terminateUserConnections closes the user's socket.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import Pusher from "pusher";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { authKey, nextMatching, subscribed, userSocket } from "./helpers/apiClient.ts";

const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;
const running: CliProcess[] = [];
afterAll(() => { for (const proc of running) proc.kill(); });

test("the Pusher HTTP API on Deno with 2 workers: trigger reaches a subscriber, channels count it, 401 on a wrong secret, terminate closes", async () => {
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
  const forged = new Pusher({ ...options, secret: "wrong-secret-0123" });
  const error = await forged.trigger("deno-news", "x", {}).then(() => null, (e) => e);
  expect(error?.status).toBe(401);
  expect(error.body).toStartWith("Invalid signature: you should have sent HmacSHA256Hex(");
  await pusher.terminateUserConnections("erin");
  expect((await socket.closed).code).toBeGreaterThanOrEqual(1000);
}, 90_000);
