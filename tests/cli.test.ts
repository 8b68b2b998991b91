/**
 * The scx command line as a user runs it: check, config schema, --version, --help,
 * serve with a worker script, SIGTERM draining, and a worker script that fails to load.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import sc from "socketcluster-client";
import { type CliProcess, startCli } from "./helpers/startCli.ts";

const cli = new URL("../cli.ts", import.meta.url).pathname;
const fixture = new URL("./fixtures/worker.ts", import.meta.url).pathname;
const running: CliProcess[] = [];
afterAll(() => { for (const proc of running) proc.kill(); });

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(`${tmpdir()}/scx-cli-`);
  for (const [name, text] of Object.entries(files)) writeFileSync(`${dir}/${name}`, text);
  return dir;
}

function run(args: string[], cwd?: string, env: Record<string, string> = {}) {
  const result = Bun.spawnSync([process.execPath, cli, ...args], { cwd, env: { ...process.env, ...env } });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe("scx check", () => {
  test("scx check accepts a valid file and exits 0", () => {
    const dir = folder({ "scx.yaml": "port: 9000\n" });
    const result = run(["check", "scx.yaml"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("valid");
  });

  test("scx check names file, line, column, key, expected and found, and exits 2", () => {
    const dir = folder({ "scx.yaml": "port: 9000\nprot: 1\npingInterval: fast\n" });
    const result = run(["check", "scx.yaml"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('scx.yaml:2:1: prot: unknown key; did you mean "port"?');
    expect(result.stderr).toContain('scx.yaml:3:15: pingInterval: expected a positive integer, found "fast"');
  });

  test("scx check reports a missing file and exits 2", () => {
    const result = run(["check", "/nonexistent/scx.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/nonexistent/scx.yaml: expected a readable config file, found no such file");
  });
});

describe("scx commands", () => {
  test("scx --version prints the version and commit", () => {
    const result = run(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^scx \d+\.\d+\.\d+ \(.+\)\n$/);
  });

  test("scx --help shows usage with examples; an unknown command is one line with a suggestion and exits 2", () => {
    expect(run(["--help"]).stdout).toContain("Examples:");
    const unknown = run(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('scx: unknown command "frobnicate" (scx --help lists the commands)\n');
    expect(run(["serv"]).stderr).toContain('did you mean "serve"?');
  });

  test("scx config schema prints a JSON Schema", () => {
    const schema = JSON.parse(run(["config", "schema"]).stdout);
    expect(schema.properties.port.default).toBe(8000);
  });
});

describe("scx serve", () => {
  test("serves a worker script beside the config; SIGTERM closes every client with 1001 and exits 0", async () => {
    const dir = folder({ "scx.yaml": `host: 127.0.0.1\nport: 0\nworkers: 2\nworker: ./app.ts\ndrainTimeout: 3000\nlogFormat: json\n` });
    writeFileSync(`${dir}/app.ts`, await Bun.file(fixture).text());
    const proc = await startCli([process.execPath, cli, "serve", "scx.yaml"], { cwd: "/" === dir ? undefined : dir });
    running.push(proc);
    const clients = [];
    for (let i = 0; i < 6; i++) {
      const client = sc.create({ hostname: "127.0.0.1", port: proc.port, autoReconnect: false });
      await client.listener("connect").once();
      expect(await client.invoke("echo", i)).toBe(i);
      clients.push(client);
    }
    const closes = clients.map((client) => client.listener("disconnect").once());
    const started = Date.now();
    proc.proc.kill("SIGTERM");
    const codes = (await Promise.all(closes)).map((event: any) => event.code);
    expect(codes).toEqual(Array(6).fill(1001));
    expect(await proc.proc.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    // One log: every thread's lines come out of the main process as JSON with role and id.
    const records = proc.output().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
    const loaded = records.filter((r) => r.msg === "Worker script loaded").map((r) => [r.role, r.id]).sort();
    expect(loaded).toEqual([["worker", 0], ["worker", 1]]);
    expect(records.every((r) => typeof r.time === "string" && typeof r.level === "string")).toBe(true);
  });

  test("SCX_PORT overrides the file's port", async () => {
    const dir = folder({ "scx.yaml": "host: 127.0.0.1\nport: 1\nworkers: 0\n" });
    const proc = await startCli([process.execPath, cli, "serve", "scx.yaml"], { cwd: dir, env: { SCX_PORT: "0" } });
    running.push(proc);
    expect(proc.port).toBeGreaterThan(1);
    expect(await (await fetch(`http://127.0.0.1:${proc.port}/health-check`)).text()).toBe("OK");
  });

  test("a worker script that fails to load stops scx at start with the file and line", () => {
    const dir = folder({
      "scx.yaml": "host: 127.0.0.1\nport: 0\nworkers: 1\nworker: broken.ts\n",
      "broken.ts": 'export default (scx) => {\n  scx.procedure("x", () => 1;\n};\n',
    });
    const result = run(["serve", "scx.yaml"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir}/broken.ts:2:`);
  });

  test("a bad config stops scx serve with exit code 2", () => {
    const dir = folder({ "scx.yaml": "workers: many\n" });
    const result = run(["serve", "scx.yaml"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("scx.yaml:1:10: workers:");
  });
});
