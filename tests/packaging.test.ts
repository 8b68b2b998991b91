/**
 * Shipping: the npm tarball installs into a Bun app without the dev toolchain and serves;
 * `scx create` writes an app that installs, type-checks and runs from the binary with no
 * registry; the release workflow builds what scripts/build.ts builds; the install script
 * picks this machine's binary and refuses one whose SHA-256 does not match.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { parse } from "yaml";
import { create } from "../src/client/index.ts";
import { generatedFile } from "../scripts/workerTypes.ts";
import { type CliProcess, startCli } from "./helpers/startCli.ts";

const root = new URL("..", import.meta.url).pathname;
const binary = `${root}dist/scx`;
const temp = mkdtempSync(`${tmpdir()}/scx-packaging-`);
const running: CliProcess[] = [];
const npm = (args: string[], cwd: string) => Bun.spawnSync(["npm", ...args, "--no-audit", "--no-fund"], { cwd, stdout: "pipe", stderr: "pipe" });
const log = (result: { stdout: Buffer; stderr: Buffer }) => `${result.stdout}${result.stderr}`;

/** Newest modification time under the folders the binary is built from. */
function newestSource(path = root, depth = 0): number {
  if (!statSync(path).isDirectory()) return statSync(path).mtimeMs;
  const names = depth === 0 ? ["cli.ts", "worker.ts", "broker.ts", "src"] : readdirSync(path);
  return Math.max(0, ...names.map((name) => newestSource(`${path}${depth === 0 ? "" : "/"}${name}`, depth + 1)));
}

beforeAll(() => {
  if (existsSync(binary) && statSync(binary).mtimeMs > newestSource()) return;
  const build = Bun.spawnSync([process.execPath, `${root}scripts/build.ts`], { cwd: root, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`npm run build failed:\n${log(build)}`);
}, 120_000);
afterAll(() => {
  for (const proc of running) proc.kill();
  rmSync(temp, { recursive: true, force: true });
});

/** Connect with scx/client and invoke one procedure. */
async function invoke(port: number, event: string, data: unknown): Promise<unknown> {
  const socket = create({ hostname: "127.0.0.1", port, autoReconnect: false });
  try {
    return await socket.invoke(event, data);
  } finally {
    socket.disconnect();
  }
}

describe("npm pack", () => {
  test("npm pack: a Bun app installs the tarball offline, without the dev toolchain, and runs createServer", async () => {
    const packed = npm(["pack", "--json", "--pack-destination", temp], root);
    expect(packed.exitCode, log(packed)).toBe(0);
    const [info] = JSON.parse(`${packed.stdout}`) as [{ filename: string; files: { path: string }[] }];
    const files = info.files.map((file) => file.path);
    expect(files).toContain("src/index.ts");
    expect(files).toContain("src/client/index.ts");
    expect(files).toContain("cli.ts");
    expect(files).toContain("src/server/workerTypes.generated.ts");
    expect(files.filter((path) => /^(tests|bench|dist|node_modules|scripts)\//.test(path))).toEqual([]);

    const app = `${temp}/lib-app`;
    mkdirSync(app);
    writeFileSync(`${app}/package.json`, JSON.stringify({ name: "lib-app", private: true, type: "module", dependencies: { scx: `file:${temp}/${info.filename}` } }));
    writeFileSync(`${app}/server.ts`, `import { createServer } from "scx";
const server = createServer({ host: "127.0.0.1", port: 0, logLevel: "warn" });
server.procedure("double", (n: number) => n * 2);
await server.start();
console.log(\`scx listening on http://127.0.0.1:\${server.port}/\`);
`);
    const installed = npm(["install", "--prefer-offline"], app);
    expect(installed.exitCode, log(installed)).toBe(0);
    for (const dev of ["bun", "deno", "typescript", "playwright-core", "socketcluster-client"]) expect(existsSync(`${app}/node_modules/${dev}`)).toBe(false);
    // The bin is cli.ts with a `#!/usr/bin/env bun` line: it needs a bun on PATH (here the repo's).
    const cli = Bun.spawnSync([`${app}/node_modules/.bin/scx`, "--version"], { env: { ...process.env, PATH: `${root}node_modules/.bin:/usr/bin:/bin` }, stdout: "pipe", stderr: "pipe" });
    expect(`${cli.stdout}`).toMatch(/^scx 0\.1\.0/);
    const proc = await startCli([process.execPath, "server.ts"], { cwd: app });
    running.push(proc);
    expect(await invoke(proc.port, "double", 21)).toBe(42);
    proc.kill();
  }, 90_000);
});

describe("scx create", () => {
  test("scx create: the app has scx.d.ts and no registry dependency; npm install of a local package, tsc and dist/scx serve all work offline", async () => {
    const created = Bun.spawnSync([binary, "create", "my-app"], { cwd: temp, stdout: "pipe", stderr: "pipe" });
    expect(created.exitCode, log(created)).toBe(0);
    const app = `${temp}/my-app`;
    const pkg = await Bun.file(`${app}/package.json`).json();
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.devDependencies).toBeUndefined();
    expect(await Bun.file(`${app}/scx.d.ts`).text()).toContain('declare module "scx"');

    // The app's own package, from a local tarball: npm needs no registry for it.
    const lib = `${temp}/shout-lib`;
    mkdirSync(lib);
    writeFileSync(`${lib}/package.json`, JSON.stringify({ name: "shout-lib", version: "1.0.0", type: "module", main: "index.js", types: "index.d.ts" }));
    writeFileSync(`${lib}/index.js`, "export const shout = (text) => `${text.toUpperCase()}!`;\n");
    writeFileSync(`${lib}/index.d.ts`, "export declare const shout: (text: string) => string;\n");
    expect(npm(["pack", "--pack-destination", temp], lib).exitCode).toBe(0);
    const added = npm(["install", "--offline", `${temp}/shout-lib-1.0.0.tgz`], app);
    expect(added.exitCode, log(added)).toBe(0);
    const worker = await Bun.file(`${app}/worker.ts`).text();
    writeFileSync(`${app}/worker.ts`, `import { shout } from "shout-lib";\n${worker.replace(
      "export default (scx: WorkerApi) => {", 'export default (scx: WorkerApi) => {\n  scx.procedure("shout", (text: string) => shout(text));')}`);

    // skipLibCheck off: scx.d.ts itself must be sound, not only the worker script against it.
    const tsc = Bun.spawnSync([process.execPath, `${root}node_modules/typescript/bin/tsc`, "-p", app, "--skipLibCheck", "false"], { stdout: "pipe", stderr: "pipe" });
    expect(log(tsc)).toBe("");
    expect(tsc.exitCode).toBe(0);

    writeFileSync(`${app}/scx.local.yaml`, (await Bun.file(`${app}/scx.yaml`).text()).replace("port: 8000", "host: 127.0.0.1\nport: 0\nworkers: 1"));
    const proc = await startCli([binary, "serve", "scx.local.yaml"], { cwd: app });
    running.push(proc);
    expect(await (await fetch(`http://127.0.0.1:${proc.port}/hello`)).text()).toBe("Hello from the worker script");
    expect(await invoke(proc.port, "greet", "Ada")).toBe("Hello, Ada");
    expect(await invoke(proc.port, "shout", "hi")).toBe("HI!");
    proc.kill();
  }, 60_000);

  test("scx create: a type error in the worker script is reported by tsc with the written scx.d.ts", async () => {
    const app = `${temp}/typo-app`;
    expect(Bun.spawnSync([binary, "create", app]).exitCode).toBe(0);
    const worker = await Bun.file(`${app}/worker.ts`).text();
    writeFileSync(`${app}/worker.ts`, worker.replace('scx.procedure("greet"', 'scx.procedure(42'));
    const tsc = Bun.spawnSync([process.execPath, `${root}node_modules/typescript/bin/tsc`, "-p", app], { stdout: "pipe" });
    expect(`${tsc.stdout}`).toContain("worker.ts");
    expect(tsc.exitCode).not.toBe(0);
  }, 30_000);

  test("workerTypes: src/server/workerTypes.generated.ts is fresh (bun scripts/workerTypes.ts --write refreshes it)", () => {
    expect(existsSync(generatedFile)).toBe(true);
    const check = Bun.spawnSync([process.execPath, `${root}scripts/workerTypes.ts`, "--check"], { stdout: "pipe", stderr: "pipe" });
    expect(log(check)).toBe("");
    expect(check.exitCode).toBe(0);
  }, 30_000);
});

/** The targets scripts/build.ts --all builds, as file names in dist/. */
async function builtNames(): Promise<string[]> {
  const build = await Bun.file(`${root}scripts/build.ts`).text();
  const list = /\? \[("bun-[^\]]+)\]/.exec(build)?.[1] ?? "";
  const targets = [...list.matchAll(/"bun-([a-z]+-[a-z0-9]+)"/g)].map((match) => match[1]!);
  return targets.map((target) => `scx-${target}${target.startsWith("windows") ? ".exe" : ""}`);
}

describe("release workflow", () => {
  test("release.yml: on a v* tag builds every build:all target, checks SHA256SUMS, uploads them all, and pushes the image", async () => {
    const workflow = parse(await Bun.file(`${root}.github/workflows/release.yml`).text());
    expect(workflow.on.push.tags).toEqual(["v*"]);
    const steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] = workflow.jobs.binaries.steps;
    expect(steps.some((step) => step.run === "npm run build:all")).toBe(true);
    expect(steps.some((step) => step.run?.includes("sha256sum --check"))).toBe(true);
    const release = steps.find((step) => step.uses?.startsWith("softprops/action-gh-release"));
    const uploaded = String(release?.with?.files).trim().split("\n").map((line) => line.trim());
    const names = await builtNames();
    expect(names).toEqual(["scx-linux-x64", "scx-linux-arm64", "scx-darwin-x64", "scx-darwin-arm64", "scx-windows-x64.exe"]);
    expect(uploaded).toEqual([...names.map((name) => `dist/${name}`), "dist/SHA256SUMS", "dist/scx-*.tgz", "scripts/install.sh"]);
    const push = workflow.jobs.docker.steps.find((step: { uses?: string }) => step.uses?.startsWith("docker/build-push-action"));
    expect(push.with.push).toBe(true);
    expect(push.with.platforms).toBe("linux/amd64,linux/arm64");
  });
});

describe("install.sh", () => {
  const os = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform as string] ?? process.platform;
  const asset = `scx-${os}-${process.arch}`;
  let sums = "";
  let server: ReturnType<typeof Bun.serve>;

  beforeAll(async () => {
    const hash = new Bun.CryptoHasher("sha256").update(await Bun.file(binary).arrayBuffer()).digest("hex");
    sums = `${"0".repeat(64)}  scx-other-arch\n${hash}  ${asset}\n`;
    // dist/ as a release would publish it: this machine's binary under its release name.
    server = Bun.serve({
      hostname: "127.0.0.1", port: 0,
      fetch(request) {
        const name = new URL(request.url).pathname.split("/").pop();
        if (name === asset) return new Response(Bun.file(binary));
        if (name === "SHA256SUMS") return new Response(sums);
        return new Response("not found", { status: 404 });
      },
    });
  });
  afterAll(() => server?.stop(true));

  /** Run install.sh against the local server (async: the server answers from this process). */
  const install = async (dir: string) => {
    const proc = Bun.spawn(["sh", `${root}scripts/install.sh`], {
      env: { ...process.env, SCX_BASE_URL: `http://127.0.0.1:${server.port}/v0.1.0`, SCX_INSTALL_DIR: dir }, stdout: "pipe", stderr: "pipe",
    });
    const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { stdout, stderr, exitCode };
  };

  test(`install.sh: downloads ${asset} and SHA256SUMS, checks the hash, installs a working scx`, async () => {
    expect((await builtNames())).toContain(asset);
    const dir = `${temp}/bin-ok`;
    const result = await install(dir);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(`${result.stdout}`).toContain(`Installed scx `);
    const version = Bun.spawnSync([`${dir}/scx`, "--version"]);
    expect(`${version.stdout}`).toMatch(/^scx \d+\.\d+\.\d+/);
  }, 60_000);

  test("install.sh: a checksum mismatch is refused and nothing is installed", async () => {
    sums = `${"f".repeat(64)}  ${asset}\n`;
    const dir = `${temp}/bin-bad`;
    const result = await install(dir);
    expect(result.exitCode).toBe(1);
    expect(`${result.stderr}`).toContain(`checksum mismatch for ${asset}`);
    expect(existsSync(`${dir}/scx`)).toBe(false);
  }, 60_000);

  test("install.sh: a SHA256SUMS without this machine's binary is refused", async () => {
    sums = `${"0".repeat(64)}  scx-other-arch\n`;
    const result = await install(`${temp}/bin-none`);
    expect(result.exitCode).toBe(1);
    expect(`${result.stderr}`).toContain(`SHA256SUMS has no line for ${asset}`);
  }, 60_000);
});
