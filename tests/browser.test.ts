/**
 * The example chat app in a real headless Chromium (Debian's chromium, driven by
 * playwright-core): two pages load /scx-client.js from scx, join, and chat through a
 * channel. A screenshot is kept in test-artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { type CliProcess, startCli } from "./helpers/startCli.ts";

const root = new URL("..", import.meta.url).pathname;
let browser: Browser;
let app: CliProcess;

beforeAll(async () => {
  app = await startCli([process.execPath, `${root}cli.ts`, "serve", `${root}examples/chat/scx.yaml`], {
    env: { SCX_PORT: "0", SCX_HOST: "127.0.0.1", SCX_LOG_FORMAT: "json" },
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  app?.kill("SIGTERM");
});

test("two browser pages chat through a channel in the example app", async () => {
  const url = `http://127.0.0.1:${app.port}/`;
  const [ada, bob] = await Promise.all([browser.newPage(), browser.newPage()]);
  const errors: string[] = [];
  for (const page of [ada, bob]) page.on("pageerror", (error) => errors.push(error.message));
  await Promise.all([ada.goto(url), bob.goto(url)]);
  for (const [page, name] of [[ada, "Ada"], [bob, "Bob"]] as const) {
    await page.waitForSelector("#status:text('connected')");
    await page.fill("#name", name);
    await page.click("#join button");
    await page.waitForSelector(`#status:text('connected as ${name}')`);
  }
  await ada.fill("#text", "Hello Bob");
  await ada.press("#text", "Enter");
  await bob.waitForSelector("#log p:has-text('Hello Bob')");
  await bob.fill("#text", "Hi Ada");
  await bob.press("#text", "Enter");
  await ada.waitForSelector("#log p:has-text('Hi Ada')");
  // The sender's name comes from the verified token, stamped by the worker script's middleware.
  expect(await bob.textContent("#log p:first-child .from")).toBe("Ada: ");
  expect(await ada.locator("#log p").allTextContents()).toEqual(["Ada: Hello Bob", "Bob: Hi Ada"]);
  mkdirSync(`${root}test-artifacts`, { recursive: true });
  await ada.screenshot({ path: `${root}test-artifacts/chat.png`, fullPage: true });
  expect(errors).toEqual([]);
}, 60_000);
