/**
 * The typed client: `create<typeof contracts>()` makes invoke, subscribe, publish and
 * transmit typed by the contracts module. tsc on tests/fixtures/typed-contracts: good.ts
 * compiles (each of its @ts-expect-error lines is an error, or tsc fails), bad.ts does not.
 */
import { expect, test } from "bun:test";

const root = new URL("..", import.meta.url).pathname;
const tsc = `${root}node_modules/typescript/bin/tsc`;
const fixture = `${root}tests/fixtures/typed-contracts`;

function typecheck(project: string): { exitCode: number; output: string } {
  const result = Bun.spawnSync([process.execPath, tsc, "--noEmit", "-p", project], { cwd: fixture, stdout: "pipe", stderr: "pipe" });
  return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}` };
}

test("create<typeof contracts>() compiles right payloads and refuses wrong ones (@ts-expect-error lines)", () => {
  const result = typecheck(`${fixture}/tsconfig.json`);
  expect(result.output).toBe("");
  expect(result.exitCode).toBe(0);
}, 60_000);

test("create<typeof contracts>(): invoke(\"login\", { name: 42 }) is a type error", () => {
  const result = typecheck(`${fixture}/tsconfig.bad.json`);
  expect(result.exitCode).not.toBe(0);
  expect(result.output).toContain("bad.ts(6,");
  expect(result.output).toContain("Type 'number' is not assignable to type 'string'");
}, 60_000);
