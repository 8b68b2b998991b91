/**
 * Laravel Echo with its Pusher connector (pusher-js) in a real headless Chromium against
 * scx with 2 worker threads, set up as a Laravel app does (`broadcaster: "pusher"`,
 * `wsHost`, `wsPort`, `forceTLS: false`, an auth endpoint at /broadcasting/auth). The test
 * plays the Laravel backend: its auth endpoint signs with the `pusher` SDK's
 * authorizeChannel, and it broadcasts with the SDK's trigger through scx's Pusher HTTP API.
 * Shows `Echo.channel().listen()`, `Echo.private()`, `Echo.join().here().joining().leaving()`,
 * `whisper()`/`listenForWhisper()` (client events), `socket_id` exclusion (Laravel's
 * `->toOthers()`), and a refused private channel.
 * Screenshot in test-artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import Pusher from "pusher";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";

const root = new URL("..", import.meta.url).pathname;
const fixture = `${root}tests/fixtures/pusher-echo`;
const artifacts = `${root}test-artifacts`;
const app = { id: "echo-app", key: "echo-key", secret: "echo-secret-0123456" };
let browser: Browser;
let scx: ScxServer;
let backend: ReturnType<typeof Bun.serve>;
let pusher: Pusher;

beforeAll(async () => {
  scx = createServer({ host: "127.0.0.1", port: 0, workers: 2, logLevel: "silent", pusher: { apps: [{ ...app, clientEvents: true }] } });
  await scx.start();
  pusher = new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: "127.0.0.1", port: String(scx.port), useTLS: false });
  const built = await Bun.build({ entrypoints: [`${fixture}/page.ts`], target: "browser" });
  if (!built.success) throw new AggregateError(built.logs, "The Echo page did not bundle");
  const script = await built.outputs[0]!.text();
  const html = readFileSync(`${fixture}/index.html`, "utf8");
  // The "Laravel app": its page, its bundled JS and its broadcasting auth endpoint.
  backend = Bun.serve({
    hostname: "127.0.0.1", port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/") return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
      if (url.pathname === "/echo-page.js") return new Response(script, { headers: { "content-type": "text/javascript" } });
      if (url.pathname === "/broadcasting/auth" && request.method === "POST") {
        const form = new URLSearchParams(await request.text());
        const user = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
        const socketId = form.get("socket_id")!;
        const channel = form.get("channel_name")!;
        if (channel === "private-forbidden") return Response.json(pusher.authorizeChannel(socketId, "private-other"));
        if (channel.startsWith("presence-")) return Response.json(pusher.authorizeChannel(socketId, channel, { user_id: user, user_info: { name: user } }));
        return Response.json(pusher.authorizeChannel(socketId, channel));
      }
      return new Response("Not Found", { status: 404 });
    },
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  mkdirSync(artifacts, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  backend?.stop(true);
  await scx?.stop();
});

async function open(user: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 900, height: 620 });
  await page.goto(`http://127.0.0.1:${backend.port}/`);
  await page.evaluate((options) => window.startEcho(options), { key: app.key, port: scx.port, user });
  return page;
}

/** Wait until the page has seen every line (in any order). */
async function sees(page: Page, lines: string[]): Promise<void> {
  await page.waitForFunction((wanted) => wanted.every((line) => window.seen.includes(line)), lines, { timeout: 20_000 });
}

const seen = (page: Page) => page.evaluate(() => [...window.seen]);

test("Laravel Echo on scx: channel().listen(), private(), join().here().joining().leaving(), whisper(), toOthers() and a refused channel", async () => {
  const errors: string[] = [];
  const ada = await open("ada");
  ada.on("pageerror", (error) => errors.push(error.message));
  await sees(ada, ["subscribed news", "subscribed private-orders", "room here ada"]);
  expect((await seen(ada)).find((line) => line.startsWith("connected "))).toMatch(/^connected \d+\.\d+$/);

  // The backend broadcasts through the Pusher HTTP API; Echo's listeners fire.
  await pusher.trigger("news", "greet", { text: "hello from Laravel" });
  await pusher.trigger("private-orders", "shipped", { id: 7 });
  await sees(ada, ["news greet hello from Laravel", "orders shipped 7"]);

  // A second user joins the presence channel: ada hears joining, bob's here lists both.
  const bob = await open("bob");
  await sees(bob, ["room here ada,bob"]);
  await sees(ada, ["room joining bob"]);

  // broadcast(...)->toOthers(): the event names bob's socket_id, so bob does not get it.
  const bobSocket = await bob.evaluate(() => window.echo.socketId());
  await pusher.trigger("presence-room", "said", { text: "not to bob" }, { socket_id: bobSocket });
  await pusher.trigger("presence-room", "said", { text: "to all" });
  await sees(ada, ["room said not to bob", "room said to all"]);
  await sees(bob, ["room said to all"]);
  expect(await seen(bob)).not.toContain("room said not to bob");

  // whisper() is a client event: ada hears bob typing, bob does not hear himself.
  await bob.evaluate(() => { window.echo.join("room").whisper("typing", { who: "bob" }); });
  await sees(ada, ["room whisper typing bob"]);
  await pusher.trigger("presence-room", "said", { text: "after the whisper" });
  await sees(bob, ["room said after the whisper"]);
  expect(await seen(bob)).not.toContain("room whisper typing bob");

  // An auth endpoint that signs the wrong channel: Echo's error callback gets Pusher's AuthError.
  await ada.evaluate(() => {
    window.echo.private("forbidden").error((error: unknown) => window.note(`forbidden error ${JSON.stringify(error)}`));
  });
  await ada.waitForFunction(() => window.seen.some((line) => line.startsWith("forbidden error")), undefined, { timeout: 20_000 });
  const refusal = JSON.parse((await seen(ada)).find((line) => line.startsWith("forbidden error"))!.slice("forbidden error ".length));
  expect(refusal).toMatchObject({ type: "AuthError", status: 401 });

  // bob leaves: ada hears leaving.
  await bob.close();
  await sees(ada, ["room leaving bob"]);
  await ada.screenshot({ path: `${artifacts}/pusher-echo.png` });
  expect(errors).toEqual([]);
  await ada.close();
}, 90_000);
