/**
 * The example chat app in a real headless Chromium (Debian's chromium, driven by
 * playwright-core), served by `bun cli.ts serve examples/chat/scx.yaml` with 2 worker
 * threads: each message appears exactly once on every page (also for someone who read
 * along before joining), the online list shows who joined (across workers) and who left,
 * a reload keeps the name, errors are words. Screenshots land in test-artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { type CliProcess, startCli } from "./helpers/startCli.ts";

const root = new URL("..", import.meta.url).pathname;
const artifacts = `${root}test-artifacts`;
let browser: Browser;
let app: CliProcess;

beforeAll(async () => {
  app = await startCli([process.execPath, `${root}cli.ts`, "serve", `${root}examples/chat/scx.yaml`], {
    env: { SCX_PORT: "0", SCX_HOST: "127.0.0.1", SCX_LOG_FORMAT: "json", SCX_WORKERS: "2" },
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  mkdirSync(artifacts, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  app?.kill("SIGTERM");
});

const texts = (page: Page) => page.locator("#log .message .text").allTextContents();
const online = (page: Page) => page.locator("#online li").allTextContents();

async function join(page: Page, name: string) {
  await page.fill("#name", name);
  await page.click("#join button");
  await page.waitForSelector(`#me:text-is("${name}")`);
}

async function send(page: Page, text: string) {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
}

/** Wait until the online list is exactly `names` (presence snapshots arrive from every worker). */
async function onlineIs(page: Page, names: string[]) {
  await page.waitForFunction((expected) =>
    JSON.stringify([...document.querySelectorAll("#online li")].map((li) => li.textContent)) === expected, JSON.stringify(names));
}

test("the chat example shows each message once, who is online, and keeps the name across a reload", async () => {
  const url = `http://127.0.0.1:${app.port}/`;
  const [ada, bob] = await Promise.all([browser.newPage(), browser.newPage()]);   // one browser context each
  await ada.setViewportSize({ width: 1000, height: 720 });
  await bob.setViewportSize({ width: 1000, height: 720 });
  const errors: string[] = [];
  for (const page of [ada, bob]) page.on("pageerror", (error) => errors.push(error.message));
  await Promise.all([ada.goto(url), bob.goto(url)]);
  for (const page of [ada, bob]) await page.waitForSelector('#status[data-state="online"]');

  // Bob reads along before joining: Ada's message arrives live, and joining does not repeat it.
  await join(ada, "Ada");
  await send(ada, "Hello Bob");
  await bob.waitForSelector(".message:has-text('Hello Bob')");
  await onlineIs(bob, ["Ada"]);
  await bob.screenshot({ path: `${artifacts}/chat-reading.png` });
  await join(bob, "Bob");
  await send(bob, "Hi Ada");
  await ada.waitForSelector(".message:has-text('Hi Ada')");
  await bob.waitForSelector(".message:has-text('Hi Ada')");
  for (const page of [ada, bob]) {
    expect(await texts(page)).toEqual(["Hello Bob", "Hi Ada"]);
    await onlineIs(page, ["Ada", "Bob"]);
  }
  // The sender's name comes from the verified token, stamped by the worker script's middleware.
  expect(await bob.locator(".message .from").allTextContents()).toEqual(["Ada", "Bob"]);
  expect(await bob.locator(".message.mine .text").allTextContents()).toEqual(["Hi Ada"]);
  expect(await ada.locator(".message .time").first().getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(await ada.textContent("#online li.me")).toBe("Ada");
  await ada.screenshot({ path: `${artifacts}/chat-ada.png` });
  await bob.screenshot({ path: `${artifacts}/chat-bob.png` });

  // A reload keeps the name (and shows each message once, from the history).
  await bob.reload();
  await bob.waitForSelector('#me:text-is("Bob")');
  await bob.waitForSelector(".message:has-text('Hi Ada')");
  expect(await bob.isVisible("#send")).toBe(true);
  expect(await bob.isVisible("#join")).toBe(false);
  expect(await texts(bob)).toEqual(["Hello Bob", "Hi Ada"]);
  await onlineIs(bob, ["Ada", "Bob"]);
  await send(bob, "Back again");
  // Each page shows it when its own copy arrives (Bob's too: the publication comes back to him).
  await ada.waitForSelector(".message:has-text('Back again')");
  await bob.waitForSelector(".message:has-text('Back again')");
  expect(await texts(ada)).toEqual(["Hello Bob", "Hi Ada", "Back again"]);
  expect(await texts(bob)).toEqual(["Hello Bob", "Hi Ada", "Back again"]);

  // Errors are words: an empty message is refused by the worker's middleware.
  await send(ada, "   ");
  await ada.waitForSelector("#error:not([hidden])");
  expect(await ada.textContent("#error")).toBe("Write something first");
  await ada.screenshot({ path: `${artifacts}/chat-error.png` });

  // Changing the name leaves the list; closing the page too.
  await bob.click("#leave");
  await bob.waitForSelector("#join:not([hidden])");
  await onlineIs(ada, ["Ada"]);
  await join(bob, "Robert");
  await onlineIs(ada, ["Ada", "Robert"]);
  await bob.close();
  await onlineIs(ada, ["Ada"]);
  expect(await online(ada)).toEqual(["Ada"]);
  expect(errors).toEqual([]);
}, 60_000);

test("the chat example keeps its layout on a phone-sized screen", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 740 } });
  await page.goto(`http://127.0.0.1:${app.port}/`);
  await page.waitForSelector('#status[data-state="online"]');
  await join(page, "Cleo");
  await page.waitForSelector(".message:has-text('Back again')");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);   // nothing overflows sideways
  await page.screenshot({ path: `${artifacts}/chat-phone.png`, fullPage: true });
  await page.close();
}, 30_000);
