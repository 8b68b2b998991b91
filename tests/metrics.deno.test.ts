/**
 * /metrics and /admin/ on Deno: `deno run -A cli.ts serve` with 2 worker threads answers
 * /metrics for the whole host (a real parser reads it; the gauges count the clients on
 * both workers) and serves the admin page and its bundled script.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import sc from "socketcluster-client";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { type CliProcess, startCli } from "./helpers/startCli.ts";

const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;
const key = "deno-metrics-key-0123456789";
const password = "deno-admin-password";
let proc: CliProcess | null = null;
const clients: any[] = [];

afterAll(() => {
  for (const client of clients) client.disconnect();
  proc?.kill();
});

test("deno run -A cli.ts serve answers /metrics for both workers and serves the admin page", async () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-deno-metrics-`);
  writeFileSync(`${dir}/scx.yaml`, `host: 127.0.0.1\nport: 0\nworkers: 2\nlogFormat: json\napi:\n  key: ${key}\nadmin:\n  password: ${password}\n`);
  proc = await startCli([deno, "run", "-A", cli, "serve", `${dir}/scx.yaml`]);
  for (let i = 0; i < 6; i++) clients.push(sc.create({ hostname: "127.0.0.1", port: proc.port, autoReconnect: false }));
  await Promise.all(clients.map((client) => client.listener("connect").once()));
  await Promise.all(clients.map((client) => client.subscribe("deno/m").listener("subscribe").once()));
  await clients[0].invokePublish("deno/m", "hi");

  const deadline = Date.now() + 20_000;
  let families = new Map<string, any>();
  const sent = () => Number(families.get("scx_messages_sent_total")?.metrics.find((m: any) => m.labels.type === "publish")?.value);
  while (Date.now() < deadline) {
    const response = await fetch(`http://127.0.0.1:${proc.port}/metrics`, { headers: { authorization: `apikey ${key}` } });
    expect(response.status).toBe(200);
    families = new Map((parsePrometheusTextFormat(await response.text()) as any[]).map((f) => [f.name, f]));
    if (sent() === 6) break;
    await Bun.sleep(100);
  }
  expect(sent()).toBe(6);
  expect(Number(families.get("scx_connections").metrics[0].value)).toBe(6);
  expect(Number(families.get("scx_subscriptions").metrics[0].value)).toBe(6);
  expect(families.get("scx_threads").metrics.find((m: any) => m.labels.role === "worker").value).toBe("2");

  const page = await fetch(`http://127.0.0.1:${proc.port}/admin/`, { headers: { authorization: `Basic ${btoa(`admin:${password}`)}` } });
  expect(await page.text()).toContain('src="/admin/app.js"');
  const script = await fetch(`http://127.0.0.1:${proc.port}/admin/app.js`);
  expect(script.status).toBe(200);
  expect((await script.text()).length).toBeGreaterThan(20_000);
}, 90_000);
