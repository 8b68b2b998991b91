/**
 * Webhooks on Deno (`deno run -A cli.ts serve`, 2 worker threads): connect, subscribe,
 * channel_occupied, channel_vacated and disconnect reach a real receiver, signed.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { rawSocket } from "./helpers/rawSocket.ts";
import { named, startReceiver } from "./webhooksReceiver.ts";

const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;
const secret = "webhook-deno-secret";
const hooks = startReceiver(secret);
const running: CliProcess[] = [];
afterAll(async () => {
  for (const proc of running) proc.kill();
  await hooks.stop();
});

test("Dispatcher delivers signed webhooks on Deno with 2 workers: connect, subscribe, channel_occupied, channel_vacated, disconnect", async () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-deno-webhooks-`);
  writeFileSync(`${dir}/scx.yaml`, [
    "host: 127.0.0.1", "port: 0", "workers: 2", "logFormat: json", "auth:", "  key: webhooks-deno-auth-key-0123456789abcdef",
    "webhooks:", `  - url: ${hooks.url}`, `    secret: ${secret}`,
    "    events: [connect, disconnect, subscribe, channel_occupied, channel_vacated]", "    vacateDelay: 300", "    batchMs: 20",
  ].join("\n") + "\n");
  const proc = await startCli([deno, "run", "-A", cli, "serve", `${dir}/scx.yaml`]);
  running.push(proc);
  const socket = rawSocket(`ws://127.0.0.1:${proc.port}/socketcluster/`);
  await socket.opened;
  socket.send({ event: "#handshake", data: { authToken: null }, cid: 1 });
  const id = (await socket.nextPacket(10_000)).data.id as string;
  socket.send({ event: "#subscribe", data: { channel: "deno/hooks" }, cid: 2 });
  while ((await socket.nextPacket(10_000)).rid !== 2);
  socket.ws.close(1000);
  await hooks.until((events) => named(events, "channel_vacated", "deno/hooks").length === 1 && named(events, "disconnect").length === 1, 60_000);
  expect(named(hooks.events, "connect")).toEqual([{ name: "connect", id: expect.any(String), at: expect.any(Number), client: id, user: null }]);
  expect(named(hooks.events, "subscribe")).toEqual([expect.objectContaining({ channel: "deno/hooks", client: id })]);
  expect(named(hooks.events, "channel_occupied", "deno/hooks")).toHaveLength(1);
  expect(named(hooks.events, "disconnect")[0]).toMatchObject({ client: id, code: 1000 });
  expect(hooks.badSignatures).toBe(0);
}, 90_000);
