/**
 * The server HTTP API on Deno (`deno run -A cli.ts serve`, 2 worker threads): the key
 * guard, a publish that reaches a subscriber, cluster-wide channels and info.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { apiClient, apiKey, nextMatching, subscribed, userSocket } from "./helpers/apiClient.ts";

const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;
const running: CliProcess[] = [];
afterAll(() => { for (const proc of running) proc.kill(); });

test("the server API on Deno with 2 workers: 401 without key, publish reaches a subscriber, channels and info answer", async () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-deno-api-`);
  writeFileSync(`${dir}/scx.yaml`, `host: 127.0.0.1\nport: 0\nworkers: 2\nlogFormat: json\napi:\n  key: ${apiKey}\n`);
  const proc = await startCli([deno, "run", "-A", cli, "serve", `${dir}/scx.yaml`]);
  running.push(proc);
  const base = `http://127.0.0.1:${proc.port}`;
  expect((await apiClient(base, null).get("/info")).status).toBe(401);
  const socket = await userSocket(`ws://127.0.0.1:${proc.port}/socketcluster/`, null);
  await subscribed(socket, "deno/api", 2);
  expect(await apiClient(base).post("/publish", { channel: "deno/api", data: "hi" })).toEqual({ status: 200, body: {} });
  expect((await nextMatching(socket, (p) => p.event === "#publish")).data).toEqual({ channel: "deno/api", data: "hi" });
  // Whichever worker gets these requests, the answers count the subscriber on the other one too.
  for (let i = 0; i < 4; i++) {
    expect((await apiClient(base).get("/channels")).body).toEqual({ channels: [{ channel: "deno/api", subscribers: 1 }] });
    expect((await apiClient(base).get("/info")).body.nodes).toEqual([expect.objectContaining({ workers: 2, connections: 1, channels: 1 })]);
  }
  socket.ws.close();
}, 60_000);
