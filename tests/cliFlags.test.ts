/**
 * The CLI's front door: `--help` on every command, config flags generated from the schema
 * (flags beat env, env beats the file), `scx serve DIR`, `scx check` finding missing files,
 * `scx token --claim` and `scx token verify`, one-line user errors with exit code 2,
 * `scx config reference --write` from the current directory, the ready line, debug
 * connection lines and the log's colours.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import sc from "socketcluster-client";
import { type CliProcess, startCli } from "./helpers/startCli.ts";
import { configFlag, configFlags, flagName } from "../src/config/configFlags.ts";
import { parseArgs } from "../src/server/parseArgs.ts";
import { loadSchemaTable } from "../src/config/schemaTable.ts";
import { formatRecord, useColour } from "../src/log/logger.ts";
import { urls } from "../src/server/serveCommand.ts";

const cli = new URL("../cli.ts", import.meta.url).pathname;
const running: CliProcess[] = [];
afterAll(() => { for (const proc of running) proc.kill(); });
beforeAll(() => loadSchemaTable());

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(`${tmpdir()}/scx-flags-`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(`${dir}/${name}`.slice(0, `${dir}/${name}`.lastIndexOf("/")), { recursive: true });
    writeFileSync(`${dir}/${name}`, text);
  }
  return dir;
}

function run(args: string[], cwd?: string, env: Record<string, string> = {}) {
  const result = Bun.spawnSync([process.execPath, cli, ...args], { cwd, env: { ...process.env, ...env } });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe("--help", () => {
  test.each(["serve", "check", "config", "token", "create", "healthcheck"])("scx %s --help prints its usage and exits 0", (command) => {
    const dir = folder();
    for (const flag of ["--help", "-h"]) {
      const result = run([command, flag], dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toStartWith(`Usage: scx ${command}`);
      expect(result.stderr).toBe("");
    }
    expect(existsSync(`${dir}/--help`)).toBe(false);
  });

  test("scx serve --help lists the flags generated from the schema", () => {
    const help = run(["serve", "--help"]).stdout;
    for (const flag of ["--port <integer>", "--workers <integer|null>", "--log-level <debug|info|warn|error|silent>", "--ping-interval", "--auth.key", "--tls.cert-file"]) {
      expect(help).toContain(flag);
    }
  });
});

describe("config flags", () => {
  test("flagName() and configFlag() derive kebab-case flags from every schema leaf and coerce by type", () => {
    expect(flagName(["auth", "defaultExpiry"])).toBe("--auth.default-expiry");
    expect(configFlags().map((flag) => flag.name)).toContain("--log-level");
    expect(configFlag("--port", "9000")).toEqual({ name: "--port", path: ["port"], value: 9000 });
    expect(configFlag("--socket-channel-limit", "null")?.value).toBe(null);
    expect(configFlag("--cluster.urls", "redis://a:1,redis://b:2")?.value).toEqual(["redis://a:1", "redis://b:2"]);
    expect(configFlag("--nope", "1")).toBeUndefined();
  });

  test("parseArgs() takes --key value, --key=value, bare booleans and positionals; an unknown flag suggests the nearest", () => {
    const parsed = parseArgs("serve", ["app", "--port=9000", "--allow-client-publish", "--log-level", "debug"], { config: true });
    expect(parsed.positionals).toEqual(["app"]);
    expect(parsed.flags.map((flag) => [flag.name, flag.value])).toEqual([["--port", 9000], ["--allow-client-publish", true], ["--log-level", "debug"]]);
    expect(() => parseArgs("serve", ["--prot", "1"], { config: true })).toThrow("scx serve: unknown flag --prot; did you mean --port?");
    expect(() => parseArgs("serve", ["--port"], { config: true })).toThrow("scx serve: --port needs a value");
  });

  test("scx serve DIR reads DIR/scx.yaml; --port beats SCX_PORT, which beats the file", async () => {
    const parent = folder({ "app/scx.yaml": "host: 127.0.0.1\nport: 1\nworkers: 0\nlogFormat: json\n" });
    const proc = await startCli([process.execPath, cli, "serve", "app", "--port", "0"], { cwd: parent, env: { SCX_PORT: "2" } });
    running.push(proc);
    expect(proc.port).toBeGreaterThan(2);
    expect(proc.output()).toContain(`"config":"${parent}/app/scx.yaml"`);
    expect(await (await fetch(`http://127.0.0.1:${proc.port}/health-check`)).text()).toBe("OK");
    proc.kill("SIGTERM");
    expect(await proc.proc.exited).toBe(0);
  });

  test("a bad flag value is one line naming the flag, exit 2", () => {
    const dir = folder({ "scx.yaml": "port: 9000\n" });
    const result = run(["check", "--port", "99999"], dir, { SCX_PORT: "9001" });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("scx.yaml: port: expected an integer from 0 to 65535, found 99999 in --port\n");
    expect(run(["serve", "--workers", "many"], dir).stderr).toContain("workers: expected");
  });
});

describe("scx check: referenced files", () => {
  test("every missing worker script, static folder, TLS or key file is a file:line error; exit 2", () => {
    const dir = folder({
      "scx.yaml": "port: 0\nworker: ./nope.ts\nstatic: public\ntls:\n  certFile: cert.pem\n  keyFile: key.pem\nauth:\n  keyFile: secret.txt\n",
      "key.pem": "x",
    });
    const result = run(["check", "scx.yaml"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([
      `scx.yaml:2:9: worker: expected an existing file, found "${dir}/nope.ts", which does not exist`,
      `scx.yaml:3:9: static: expected an existing folder, found "${dir}/public", which does not exist`,
      `scx.yaml:5:13: tls.certFile: expected an existing file, found "${dir}/cert.pem", which does not exist`,
      `scx.yaml:8:12: auth.keyFile: expected an existing file, found "${dir}/secret.txt", which does not exist`,
    ]);
    const fromEnv = run(["check"], folder({ "scx.yaml": "port: 0\n" }), { SCX_WORKER: "gone.ts" });
    expect(fromEnv.stderr).toContain("worker: expected an existing file");
    expect(fromEnv.stderr).toContain("in SCX_WORKER");
  });

  test("a config whose files all exist is valid", () => {
    const dir = folder({ "scx.yaml": "worker: w.ts\nstatic: public\n", "w.ts": "export default () => {};\n", "public/index.html": "hi" });
    const result = run(["check", dir]);
    expect(result.stdout).toBe(`${dir}/scx.yaml: valid\n`);
    expect(result.code).toBe(0);
  });
});

describe("scx token", () => {
  const key = ["--auth.key", "s3cret"];

  test("--claim key=value parses JSON values, else keeps strings; verify prints the payload and exits 0", () => {
    const signed = run(["token", "--sub", "alice", "--claim", "admin=true", "--claim", "rooms=[\"a\"]", "--claim", "team=blue", ...key], folder());
    expect(signed.code).toBe(0);
    const verified = run(["token", "verify", signed.stdout.trim(), ...key], folder());
    expect(verified.code).toBe(0);
    const payload = JSON.parse(verified.stdout.replace(/^valid: /, ""));
    expect(payload).toMatchObject({ sub: "alice", admin: true, rooms: ["a"], team: "blue" });
  });

  test("verify says why a token is invalid and exits 1: bad signature, wrong issuer, expired, malformed", async () => {
    const dir = folder();
    const token = run(["token", "--sub", "bob", "--exp", "1", ...key], dir).stdout.trim();
    const wrongKey = run(["token", "verify", token, "--auth.key", "other"], dir);
    expect([wrongKey.code, wrongKey.stderr]).toEqual([1, "invalid: invalid signature (AuthTokenInvalidError)\n"]);
    expect(run(["token", "verify", token, ...key, "--auth.issuer", "me"], dir).stderr).toContain('invalid: jwt iss invalid');
    expect(run(["token", "verify", "not-a-jwt", ...key], dir).stderr).toContain("invalid: jwt malformed");
    await Bun.sleep(2100);
    const expired = run(["token", "verify", token, ...key], dir);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/^invalid: expired at \d{4}-\d\d-\d\dT/);
  }, 20_000);

  test("user errors are one line and exit 2: a bad --exp, a missing --sub, an unknown flag, no key", () => {
    const dir = folder();
    const cases: [string[], string][] = [
      [["token", "--sub", "a", "--exp", "90x", ...key], 'scx token: --exp "90x" is not a duration (seconds like 3600, or 90s, 15m, 1h, 7d)\n'],
      [["token", ...key], "scx token: needs --sub <subject>\n"],
      [["token", "--sub", "a", "--expires", "1h"], "scx token: unknown flag --expires (scx token --help lists them)\n"],
      [["token", "--sub", "a"], "scx token: needs a configured key: set auth.key or auth.keyFile (or SCX_AUTH__KEY, --auth.key)\n"],
    ];
    for (const [args, stderr] of cases) {
      const result = run(args, dir);
      expect([result.code, result.stderr]).toEqual([2, stderr]);
    }
  });
});

describe("system errors", () => {
  test("a path the system refuses (scx create in /proc) is one line and exit 2, no stack", () => {
    const result = run(["create", "/proc/scx-nope/app"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("scx create: ENOENT: no such file or directory, mkdir '/proc/scx-nope/app'\n");
  });
});

describe("scx config reference --write", () => {
  test("updates ./README.md of the current directory, or says it found none (exit 2)", () => {
    const dir = folder({ "README.md": "# App\n\n<!-- config-reference:start -->\nold\n<!-- config-reference:end -->\n\nEnd\n" });
    const result = run(["config", "reference", "--write"], dir);
    expect(result.code).toBe(0);
    const readme = readFileSync(`${dir}/README.md`, "utf8");
    expect(readme).toContain("| `port` | integer | `8000` |");
    expect(readme).toEndWith("<!-- config-reference:end -->\n\nEnd\n");
    const none = run(["config", "reference", "--write"], folder());
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("found no README.md in");
  });
});

describe("serve output", () => {
  test("urls() names the page and the WebSocket, localhost for a wildcard host, https/wss with TLS", () => {
    expect(urls({ host: "0.0.0.0", path: "/socketcluster/", tls: null }, 8000))
      .toEqual({ page: "http://localhost:8000/", socket: "ws://localhost:8000/socketcluster/" });
    expect(urls({ host: "127.0.0.1", path: "/ws/", tls: { certFile: "c", keyFile: "k" } }, 443))
      .toEqual({ page: "https://127.0.0.1:443/", socket: "wss://127.0.0.1:443/ws/" });
  });

  test("the ready line names both URLs; connections and disconnections are logged at debug with id, address and code", async () => {
    const dir = folder({ "scx.yaml": "host: 127.0.0.1\nport: 0\nworkers: 1\nlogFormat: json\n" });
    const proc = await startCli([process.execPath, cli, "serve", "--log-level", "debug"], { cwd: dir });
    running.push(proc);
    expect(proc.output()).toContain(`scx listening on http://127.0.0.1:${proc.port}/ (WebSocket ws://127.0.0.1:${proc.port}/socketcluster/)`);
    const client = sc.create({ hostname: "127.0.0.1", port: proc.port, autoReconnect: false });
    await client.listener("connect").once();
    const id = client.id;
    client.disconnect(4321, "bye");
    const until = Date.now() + 5000;
    while (!proc.output().includes("Socket disconnected") && Date.now() < until) await Bun.sleep(20);
    const records = proc.output().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
    const opened = records.find((r) => r.msg === "Socket connected");
    const closed = records.find((r) => r.msg === "Socket disconnected");
    expect(opened).toMatchObject({ level: "debug", socket: id, remoteAddress: "127.0.0.1" });
    expect(closed).toMatchObject({ level: "debug", socket: id, code: 4321, reason: "bye" });
    proc.kill("SIGTERM");
    await proc.proc.exited;
  });

  test("formatRecord() colours the level only when asked; useColour() needs a terminal and no NO_COLOR", () => {
    const record = { time: "2026-01-01T00:00:00.000Z", level: "warn" as const, role: "main", id: 0, msg: "hi" };
    expect(formatRecord(record, "pretty")).toBe("00:00:00.000 WARN  main#0 hi\n");
    expect(formatRecord(record, "pretty", true)).toContain("\x1b[33mWARN \x1b[0m");
    expect(useColour(true, {})).toBe(true);
    expect(useColour(true, { NO_COLOR: "1" })).toBe(false);
    expect(useColour(true, { NO_COLOR: "" })).toBe(true);
    expect(useColour(false, {})).toBe(false);
  });
});
