/**
 * The shipped binary: `npm run build` makes dist/scx; the conformance suite runs against it
 * started from another directory with a mounted worker script; `scx create` writes an app
 * the binary then serves.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import sc from "socketcluster-client";
import { conformanceChannelsYaml, conformanceScript, conformanceSuite } from "./conformance.suite.ts";
import { type CliProcess, startCli } from "./helpers/startCli.ts";

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
