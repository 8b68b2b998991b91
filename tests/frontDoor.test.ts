/**
 * The front door, as a new user meets it: a fresh clone of the committed repository, the
 * README's quick-start commands as written (`npm install && npm start`, then `npm test`),
 * and the check `npm test` runs first for the system tools the suite needs.
 * (The clone runs everything but `npm test` itself, which would recurse into this file.)
 */
import { afterAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { testDepsPlan } from "../scripts/testDeps.ts";

const root = new URL("..", import.meta.url).pathname;
const temp = mkdtempSync(`${tmpdir()}/scx-clone-`);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The commands of the README's Quick start block, comments stripped. */
function quickStart(): string[] {
  const readme = readFileSync(`${root}README.md`, "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block.split("\n").map((line) => line.replace(/#.*/, "").trim()).filter(Boolean);
}

/** Run `npm start` in `cwd` until it prints a URL with its port; resolves the port and a stop function. */
function npmStart(cwd: string): Promise<{ port: number; stop: () => Promise<void> }> {
  // Its own process group, so stopping it also stops the bun under npm's shell.
  const child = spawn("npm", ["start"], { cwd, detached: true, env: { ...process.env, SCX_PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => { try { process.kill(-child.pid!, "SIGTERM"); } catch {} await exited; };
  let output = "";
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      // The ready line names the URL it listens on (its wording may change; the URL stays).
      const match = /https?:\/\/[^\s:"/]+:(\d+)/.exec(output);
      if (match) resolve({ port: Number(match[1]), stop });
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    void exited.then(() => reject(new Error(`npm start exited before listening:\n${output}`)));
  });
}

describe("quick start", () => {
  test("README: the quick start is `npm install && npm start`, then `npm test`, which checks the system tools first", async () => {
    expect(quickStart()).toEqual(["npm install && npm start", "npm test"]);
    const pkg = await Bun.file(`${root}package.json`).json();
    expect(pkg.scripts.test).toMatch(/^bun scripts\/testDeps\.ts && bun test/);
    const ci = readFileSync(`${root}.ci/run`, "utf8");
    expect(ci).toContain("npm test 2>&1");
    expect(ci).not.toContain("apt-get");
  });

  test("a fresh clone: npm install (no install-script warning), npm start serves the chat page, npm test's tool check passes", async () => {
    const clone = Bun.spawnSync(["git", "clone", "--quiet", root, `${temp}/scx`], { stderr: "pipe" });
    expect(`${clone.stderr}`).toBe("");
    const app = `${temp}/scx`;
    const [install, start] = quickStart()[0]!.split(" && ");
    expect([install, start]).toEqual(["npm install", "npm start"]);

    const installed = Bun.spawnSync(["npm", "install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: app, stdout: "pipe", stderr: "pipe" });
    const installLog = `${installed.stdout}${installed.stderr}`;
    expect(installed.exitCode, installLog).toBe(0);
    expect(installLog).not.toMatch(/install scripts|allowScripts/i);

    const server = await npmStart(app);
    try {
      const page = await fetch(`http://127.0.0.1:${server.port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<html");
    } finally {
      await server.stop();
    }

    // `npm test` is `bun scripts/testDeps.ts && bun test …`: its first half, run in the clone.
    const deps = Bun.spawnSync([`${app}/node_modules/.bin/bun`, "scripts/testDeps.ts"], { cwd: app, stdout: "pipe", stderr: "pipe" });
    expect(deps.exitCode, `${deps.stderr}`).toBe(0);
  }, 180_000);
});

describe("testDepsPlan", () => {
  const machine = { root: true, apt: true, brew: false, allowInstall: true };

  test("testDepsPlan: nothing missing is ready", () => {
    expect(testDepsPlan([], machine)).toEqual({ kind: "ready" });
  });

  test("testDepsPlan: as root with apt-get, installs the missing tools' Debian packages", () => {
    expect(testDepsPlan(["redis-server", "chromium"], machine)).toEqual({ kind: "install", packages: ["redis-server", "chromium"] });
  });

  test("testDepsPlan: without root, fails with the exact sudo apt-get command", () => {
    const plan = testDepsPlan(["openssl"], { ...machine, root: false });
    expect(plan).toEqual({ kind: "fail", message: expect.stringContaining("sudo apt-get update && sudo apt-get install -y openssl") });
  });

  test("testDepsPlan: SCX_TEST_DEPS=check never installs, even as root", () => {
    const plan = testDepsPlan(["chromium"], { ...machine, allowInstall: false });
    expect(plan).toEqual({ kind: "fail", message: expect.stringContaining("apt-get update && apt-get install -y chromium") });
  });

  test("testDepsPlan: on a Mac with Homebrew, names the brew commands", () => {
    const plan = testDepsPlan(["redis-server", "openssl"], { root: false, apt: false, brew: true, allowInstall: true });
    expect(plan).toEqual({ kind: "fail", message: expect.stringContaining("brew install redis && brew install openssl") });
  });

  test("testDeps.ts: as root with apt-get on PATH, runs apt-get update then install for what is missing, then passes", () => {
    // A stand-in apt-get that records its arguments and "installs" the tools as empty scripts.
    const bin = mkdtempSync(`${temp}/fake-apt-`);
    writeFileSync(`${bin}/apt-get`, `#!/bin/sh\necho "$@" >> ${bin}/apt.log\n[ "$1" = install ] && for t in redis-server chromium openssl; do printf '#!/bin/sh\\n' > ${bin}/$t; /bin/chmod +x ${bin}/$t; done\nexit 0\n`);
    chmodSync(`${bin}/apt-get`, 0o755);
    const bunDir = process.execPath.slice(0, process.execPath.lastIndexOf("/"));
    const result = Bun.spawnSync([process.execPath, `${root}scripts/testDeps.ts`], { env: { PATH: `${bin}:${bunDir}` }, stdout: "pipe", stderr: "pipe" });
    if (process.getuid?.() === 0) {
      expect(result.exitCode, `${result.stderr}`).toBe(0);
      expect(readFileSync(`${bin}/apt.log`, "utf8")).toBe("update -qq\ninstall -y -qq --no-install-recommends redis-server chromium openssl\n");
    } else {
      expect(result.exitCode).toBe(1);
      expect(`${result.stderr}`).toContain("sudo apt-get update && sudo apt-get install -y redis-server chromium openssl");
    }
  });

  test("testDeps.ts: with the tools missing from PATH and installing off, exits 1 at once naming them", () => {
    const bunDir = process.execPath.slice(0, process.execPath.lastIndexOf("/"));
    const started = performance.now();
    const result = Bun.spawnSync([process.execPath, `${root}scripts/testDeps.ts`], {
      env: { PATH: bunDir, SCX_TEST_DEPS: "check" }, stdout: "pipe", stderr: "pipe",
    });
    expect(result.exitCode).toBe(1);
    expect(`${result.stderr}`).toContain("npm test needs redis-server, chromium, openssl");
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
