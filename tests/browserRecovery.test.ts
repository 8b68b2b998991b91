/**
 * Recovery in a real headless Chromium (Debian's chromium, driven by playwright-core): a
 * page loads /scx-client.js from `scx serve` and subscribes to a history channel through a
 * TCP proxy; the test cuts the proxy while a Bun client keeps publishing straight to scx,
 * then restores it. The page's client reconnects by itself and must end with every
 * publication exactly once, in order, and `recovered: true`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { chromium, type Browser } from "playwright-core";
import { create } from "../src/client/index.ts";
import { type CliProcess, startCli } from "./helpers/startCli.ts";
import { type TcpProxy, tcpProxy } from "./helpers/tcpProxy.ts";

const root = new URL("..", import.meta.url).pathname;
let browser: Browser;
let app: CliProcess;
let proxy: TcpProxy;

beforeAll(async () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-browser-recovery-`);
  writeFileSync(`${dir}/scx.yaml`, 'channels:\n  - match: "chat/*"\n    history: { size: 1000, ttl: 600 }\n');
  app = await startCli([process.execPath, `${root}cli.ts`, "serve", `${dir}/scx.yaml`], {
    env: { SCX_PORT: "0", SCX_HOST: "127.0.0.1", SCX_LOG_FORMAT: "json", SCX_WORKERS: "2" },
  });
  proxy = await tcpProxy(app.port);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  proxy?.stop();
  app?.kill("SIGTERM");
});

test("a browser page's client losing its connection for a while ends with every publication exactly once, in order", async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${app.port}/scx-client.js`);
  await page.evaluate(async (port) => {
    const { create } = await import(`${location.origin}/scx-client.js`);
    const log = { received: [] as number[], recoveries: [] as unknown[], disconnects: 0 };
    (globalThis as any).log = log;
    const socket = create({ hostname: "127.0.0.1", port, autoReconnectOptions: { initialDelay: 30, randomness: 30, multiplier: 1, maxDelay: 60 } });
    socket.on("disconnect", () => log.disconnects++);
    const channel = socket.subscribe("chat/room");
    channel.watch((n: number) => log.received.push(n));
    channel.on("recovery", (event: unknown) => log.recoveries.push(event));
    await channel.listener("subscribe").once();
  }, proxy.port);

  const publisher = create({ hostname: "127.0.0.1", port: app.port, ackTimeout: 5000 });
  await publisher.listener("connect").once();
  const count = 200;
  for (let i = 1; i <= count; i++) {
    if (i === 61) {
      proxy.cut();
      await page.waitForFunction(() => (globalThis as any).log.disconnects === 1);
    }
    if (i === 141) await proxy.restore();
    await publisher.invokePublish("chat/room", i);
    if (i % 5 === 0) await Bun.sleep(1);
  }
  publisher.disconnect();
  await page.waitForFunction((n) => (globalThis as any).log.received.length >= n, count, { timeout: 15_000 });
  await Bun.sleep(50); // a duplicate would come now
  const log = await page.evaluate(() => (globalThis as any).log);
  expect(log.received).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  expect(log.recoveries).toEqual([{ channel: "chat/room", recovered: true, offset: expect.any(Number), epoch: expect.any(String) }]);
  expect(log.disconnects).toBe(1);
  expect(proxy.connections()).toBe(2);
  expect(errors).toEqual([]);
}, 60_000);
