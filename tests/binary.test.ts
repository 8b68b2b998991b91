/**
 * The shipped binary: `npm run build` makes dist/scx; the conformance suite runs against it
 * started from another directory with a mounted worker script; `scx create` writes an app
 * the binary then serves.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import sc from "socketcluster-client";
import Pusher from "pusher";
// @ts-ignore: the package has no types
import scCodecMinBin from "sc-codec-min-bin";
import { conformanceChannelsYaml, conformanceScript, conformanceSuite } from "./conformance.suite.ts";
import { type CliProcess, startCli } from "./helpers/startCli.ts";
import { handshaken } from "./helpers/rawSocket.ts";

const root = new URL("..", import.meta.url).pathname;
const binary = `${root}dist/scx`;
const running: CliProcess[] = [];

beforeAll(() => {
  const build = Bun.spawnSync([process.execPath, `${root}scripts/build.ts`], { cwd: root, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
}, 120_000);
afterAll(() => { for (const proc of running) proc.kill(); });

/** An app folder elsewhere, as a user would mount it: scx.yaml and a TypeScript worker script. */
function mountedApp(extra = ""): string {
  const dir = mkdtempSync(`${tmpdir()}/scx-app-`);
  cpSync(conformanceScript, `${dir}/worker.ts`);
  writeFileSync(`${dir}/scx.yaml`, `host: 127.0.0.1\nport: 0\nworker: worker.ts\nlogFormat: json\n${extra}`);
  return dir;
}

describe("dist/scx", () => {
  test("npm run build makes one executable that prints its version and commit", () => {
    expect(existsSync(binary)).toBe(true);
    const result = Bun.spawnSync([binary, "--version"]);
    expect(result.stdout.toString()).toMatch(/^scx \d+\.\d+\.\d+ \([0-9a-f]{4,}|unknown\)/);
  });

  test("serves /scx-client.js from the binary, with no sources beside it", async () => {
    const proc = await startCli([binary, "serve", `${mountedApp("workers: 1\n")}/scx.yaml`], { cwd: tmpdir() });
    running.push(proc);
    const response = await fetch(`http://127.0.0.1:${proc.port}/scx-client.js`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("#handshake");
  });
});

conformanceSuite("binary", async () => {
  const proc = await startCli([binary, "serve", `${mountedApp(`workers: 2\n${conformanceChannelsYaml}`)}/scx.yaml`], { cwd: "/" });
  running.push(proc);
  return { port: proc.port, stop: async () => { proc.kill("SIGTERM"); await proc.proc.exited; } };
});

// The binary speaking sc-codec-min-bin to the official client, its worker script mounted from elsewhere.
conformanceSuite("binary, sc-codec-min-bin", async () => {
  const proc = await startCli([binary, "serve", `${mountedApp(`workers: 2\ncodec: sc-codec-min-bin\n${conformanceChannelsYaml}`)}/scx.yaml`], { cwd: "/" });
  running.push(proc);
  return { port: proc.port, stop: async () => { proc.kill("SIGTERM"); await proc.proc.exited; } };
}, { clientOptions: { codecEngine: scCodecMinBin } });

describe("dist/scx with a mounted contracts file", () => {
  test("the binary loads contracts: an invalid publish gets ValidationError with its path, a valid one reaches the subscriber", async () => {
    const dir = mkdtempSync(`${tmpdir()}/scx-contracts-`);
    cpSync(`${root}tests/fixtures/contracts/contracts.ts`, `${dir}/contracts.ts`);
    writeFileSync(`${dir}/scx.yaml`, "host: 127.0.0.1\nport: 0\nworkers: 1\ncodec: msgpack\ncontracts: contracts.ts\nlogFormat: json\n");
    const proc = await startCli([binary, "serve", `${dir}/scx.yaml`], { cwd: "/" });
    running.push(proc);
    const { create } = await import("../src/client/index.ts");
    const { msgpackCodec } = await import("../src/client/msgpack.ts");
    const open = () => create({ hostname: "127.0.0.1", port: proc.port, autoReconnect: false, codec: msgpackCodec, ackTimeout: 5000 });
    const [publisher, subscriber] = [open(), open()];
    await Promise.all([publisher.listener("connect").once(), subscriber.listener("connect").once()]);
    const channel = subscriber.subscribe("chat/1");
    await channel.listener("subscribe").once();
    const error = await publisher.invokePublish("chat/1", { text: 42 }).catch((e: any) => e);
    expect(error.name).toBe("ValidationError");
    expect(error.issues).toEqual([{ path: ["text"], message: expect.any(String) }]);
    const received: unknown[] = [];
    channel.watch((data: unknown) => received.push(data));
    await publisher.invokePublish("chat/1", { text: "hi" });
    await new Promise<void>((resolve) => { const check = () => received.length >= 1 ? resolve() : setTimeout(check, 10); check(); });
    expect(received).toEqual([{ text: "hi" }]);
    publisher.disconnect();
    subscriber.disconnect();
  }, 60_000);
});

// The binary is built with --splitting: what a config turns on loads as its own chunk when
// first used. Each such part answers from the binary, started from another directory.
describe("dist/scx: the parts that load on demand", () => {
  test("the server API, the Pusher HTTP API (real pusher SDK), /metrics and the admin page answer from the binary", async () => {
    const dir = mkdtempSync(`${tmpdir()}/scx-lazy-`);
    writeFileSync(`${dir}/scx.yaml`, "host: 127.0.0.1\nport: 0\nworkers: 2\nlogFormat: json\napi: { key: binary-api-key-0123 }\n" +
      "admin: { password: binary-admin-pw }\npusher:\n  apps:\n    - { id: \"7\", key: bin-key, secret: bin-secret }\n");
    const proc = await startCli([binary, "serve", `${dir}/scx.yaml`], { cwd: "/" });
    running.push(proc);
    const base = `http://127.0.0.1:${proc.port}`;
    const info = await fetch(`${base}/api/info`, { headers: { authorization: "apikey binary-api-key-0123" } });
    expect(info.status).toBe(200);
    expect((await info.json()).nodes[0].workers).toBe(2);
    const sub = await handshaken(`ws://127.0.0.1:${proc.port}/socketcluster/`);
    sub.send({ event: "#subscribe", data: { channel: "news" }, cid: 2 });
    expect(await sub.nextPacket(10_000)).toMatchObject({ rid: 2 });
    const pusher = new Pusher({ appId: "7", key: "bin-key", secret: "bin-secret", host: "127.0.0.1", port: String(proc.port), useTLS: false });
    expect((await pusher.trigger("news", "headline", { text: "split" })).status).toBe(200);
    expect(await sub.nextPacket(10_000)).toEqual({ event: "#publish", data: { channel: "news", data: { event: "headline", data: { text: "split" } } } });
    const published = await fetch(`${base}/api/publish`, { method: "POST", headers: { authorization: "apikey binary-api-key-0123" }, body: JSON.stringify({ channel: "news", data: "from the API" }) });
    expect(published.status).toBe(200);
    expect(await sub.nextPacket(10_000)).toEqual({ event: "#publish", data: { channel: "news", data: "from the API" } });
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: "apikey binary-api-key-0123" } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("scx_connections");
    const admin = await fetch(`${base}/admin/`, { headers: { authorization: `Basic ${btoa("admin:binary-admin-pw")}` } });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain("<");
    sub.ws.close();
  }, 60_000);
});

describe("scx create", () => {
  test("scx create writes an app that `cd app && scx serve` runs", async () => {
    const parent = mkdtempSync(`${tmpdir()}/scx-create-`);
    const created = Bun.spawnSync([binary, "create", "my-app"], { cwd: parent });
    expect(created.exitCode).toBe(0);
    for (const file of ["scx.yaml", "worker.ts", "public/index.html", "package.json", "README.md"]) {
      expect(existsSync(`${parent}/my-app/${file}`)).toBe(true);
    }
    const proc = await startCli([binary, "serve"], { cwd: `${parent}/my-app`, env: { SCX_PORT: "0", SCX_HOST: "127.0.0.1" } });
    running.push(proc);
    const page = await (await fetch(`http://127.0.0.1:${proc.port}/`)).text();
    expect(page).toContain("/scx-client.js");
    expect(await (await fetch(`http://127.0.0.1:${proc.port}/hello`)).text()).toBe("Hello from the worker script");
    const client = sc.create({ hostname: "127.0.0.1", port: proc.port, autoReconnect: false });
    await client.listener("connect").once();
    expect(await client.invoke("greet", "Ada")).toBe("Hello, Ada");
    const channel = client.subscribe("shout");
    await channel.listener("subscribe").once();
    const got = channel.once();
    client.transmitPublish("shout", "hey");
    expect(await got).toBe("HEY");
    client.disconnect();
  });

  test("scx create refuses a folder that is not empty", () => {
    const parent = mkdtempSync(`${tmpdir()}/scx-create-`);
    writeFileSync(`${parent}/taken`, "");
    const result = Bun.spawnSync([binary, "create", "."], { cwd: parent });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.toString()).toContain("is not empty");
  });
});
