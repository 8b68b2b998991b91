/**
 * The admin page in a real headless Chromium (Debian's chromium via playwright-core)
 * against scx with 2 worker threads: a wrong password is refused; signed in, the page
 * goes live, sees a client connect (the connection count changes), publishes to a
 * channel a test client receives, shows a channel's publications live, finds the client
 * by user and disconnects it. Non-admin sockets get neither the admin channels nor the
 * admin procedures. Screenshots (laptop and phone) land in test-artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import sc from "socketcluster-client";
import { SignJWT } from "jose";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";

const root = new URL("..", import.meta.url).pathname;
const artifacts = `${root}test-artifacts`;
const password = "admin-browser-test-pass";
const authKey = "admin-browser-test-auth-key-0123456789";
let browser: Browser;
let server: ScxServer;
const clients: any[] = [];

beforeAll(async () => {
  server = createServer({
    host: "127.0.0.1", port: 0, workers: 2, brokers: 1, logLevel: "silent",
    admin: { password }, auth: { key: authKey },
  });
  await server.start();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  mkdirSync(artifacts, { recursive: true });
}, 60_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await browser?.close();
  await server?.stop();
});

async function signIn(page: Page, given: string) {
  await page.goto(`http://127.0.0.1:${server.port}/admin/`);
  await page.fill("input[name=password]", given);
  await page.click("button[type=submit]");
}

const connections = (page: Page) => page.locator("#kpi-connections").textContent();

test("the admin page refuses a wrong password", async () => {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, "not-the-password");
  await page.waitForSelector(".error");
  expect(await page.locator(".error").textContent()).toContain("Wrong password");
  expect(await page.locator("#kpi-connections").count()).toBe(0);
  await page.screenshot({ path: `${artifacts}/admin-wrong-password.png` });
  const direct = await fetch(`http://127.0.0.1:${server.port}/admin/stats.json`);
  expect(direct.status).toBe(401);
  const basic = await fetch(`http://127.0.0.1:${server.port}/admin/stats.json`, { headers: { authorization: `Basic ${btoa(`admin:${password}`)}` } });
  expect(basic.status).toBe(200);
  expect((await basic.json()).threads.length).toBe(3);
  await page.close();
}, 30_000);

test("a socket that did not sign in gets neither the admin channels nor the admin procedures", async () => {
  const client = sc.create({ hostname: "127.0.0.1", port: server.port, autoReconnect: false });
  clients.push(client);
  await client.listener("connect").once();
  await expect(client.invoke("scx.admin.connections", {})).rejects.toThrow("Sign in to the admin page first");
  await expect(client.invoke("scx.admin.signIn", { token: "123.forged" })).rejects.toThrow("wrong");
  const channel = client.subscribe("scx.admin/stats");
  const failed = await channel.listener("subscribeFail").once();
  expect(String(failed.error?.message ?? failed.message ?? failed)).toContain("Sign in");
  client.disconnect();
}, 30_000);

test("the admin page signs in, sees a client connect, publishes to it, shows a channel live and disconnects the client", async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, password);
  await page.waitForSelector("#live-text:text-is('Live')", { timeout: 15_000 });
  // Only the page's own socket is connected.
  await page.waitForFunction(() => document.querySelector("#kpi-connections")?.textContent === "1", null, { timeout: 15_000 });

  const token = await new SignJWT({ sub: "ann" }).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("1h")
    .sign(new TextEncoder().encode(authKey));
  const client = sc.create({ hostname: "127.0.0.1", port: server.port, autoReconnect: false });
  clients.push(client);
  await client.listener("connect").once();
  await client.authenticate(token);
  const news = client.subscribe("news");
  await news.listener("subscribe").once();
  await page.waitForFunction(() => document.querySelector("#kpi-connections")?.textContent === "2", null, { timeout: 15_000 });
  expect(await connections(page)).toBe("2");

  // Publish from the page; the test client receives it.
  const received = news.once();
  await page.fill("#pub-channel", "news");
  await page.fill("#pub-data", '{"text":"hello from the admin page"}');
  await page.click("#publish button");
  expect(await received).toEqual({ text: "hello from the admin page" });
  await page.waitForSelector("#pub-note:text('Published')");

  // Watch the channel live: a publication from the client shows up on the page.
  await page.fill("#watch-channel", "news");
  await page.click("#watch button");
  await page.waitForSelector("#watch-state:text-is('watching news')");
  await client.invokePublish("news", { text: "from ann's client" });
  await page.waitForSelector("#feed li:has-text('from ann')");

  // Find the client by its user, then disconnect it from the page.
  await page.fill("#conn-search", "ann");
  const row = page.locator(`#connections tr[data-client="${client.id}"]`);
  await row.waitFor({ timeout: 15_000 });
  expect(await row.textContent()).toContain("news");
  // A few seconds of traffic, so the chart, the rates and the busiest channels have something to show.
  const until = Date.now() + 4000;
  for (let i = 0; Date.now() < until; i++) {
    await client.invokePublish("news", { text: `tick ${i}` });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await page.waitForFunction(() => Number(document.querySelector("#kpi-in")?.textContent) > 0);
  await page.screenshot({ path: `${artifacts}/admin-dashboard.png`, fullPage: true });
  const closed = client.listener("close").once();
  await row.locator("button").click();
  await closed;
  await page.waitForFunction(() => document.querySelector("#kpi-connections")?.textContent === "1", null, { timeout: 15_000 });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.fill("#conn-search", "");
  await page.screenshot({ path: `${artifacts}/admin-phone.png`, fullPage: true });
  expect(errors).toEqual([]);
  await page.close();
}, 90_000);
