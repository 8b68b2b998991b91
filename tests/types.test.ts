/**
 * Types: scx's own strict tsconfig.json passes (`npm run typecheck`), and a Bun app with
 * the tsconfig `bun init` writes type-checks clean when it imports `scx` and `scx/client`
 * (the source is TypeScript, so the app's compiler checks scx's files with the app's flags).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const tsc = `${root}node_modules/typescript/bin/tsc`;
const app = `${root}tests/fixtures/typed-app`;

/** Run tsc on a project; the output is part of the failure message. */
function typecheck(project: string): { exitCode: number; output: string } {
  const result = Bun.spawnSync([process.execPath, tsc, "--noEmit", "-p", project], { cwd: project, stdout: "pipe", stderr: "pipe" });
  return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}` };
}

/** The fixture depends on scx by `file:../../..`; link it the way `npm install` would. */
function linkScx(): void {
  if (existsSync(`${app}/node_modules/scx/package.json`)) return;
  mkdirSync(`${app}/node_modules`, { recursive: true });
  symlinkSync("../../../..", `${app}/node_modules/scx`);
}

describe("tsconfig.json", () => {
  test("tsconfig.json: npm run typecheck (tsc --noEmit -p .) reports no errors", async () => {
    const pkg = await Bun.file(`${root}package.json`).json();
    expect(pkg.scripts.typecheck).toBe("tsc --noEmit -p .");
    const result = typecheck(root);
    expect(result.output).toBe("");
    expect(result.exitCode).toBe(0);
  }, 180_000);
});

describe("typed-app", () => {
  test("typed-app: a Bun app with bun init's tsconfig importing scx and scx/client type-checks clean", () => {
    linkScx();
    const result = typecheck(app);
    expect(result.output).toBe("");
    expect(result.exitCode).toBe(0);
  }, 180_000);

  test("typed-app: the type-checked app also runs: a procedure publishes, the client receives", () => {
    linkScx();
    const result = Bun.spawnSync([process.execPath, "index.ts"], { cwd: app, stdout: "pipe", stderr: "pipe", timeout: 20_000 });
    expect(`${result.stdout}`.trim()).toBe(JSON.stringify({ reply: 2, published: 2 }));
    expect(result.exitCode).toBe(0);
  }, 30_000);
});
