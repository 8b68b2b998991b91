/**
 * `scx contracts asyncapi [config]` prints an AsyncAPI 3.0 document of the contracts module,
 * and @asyncapi/parser (the official parser and validator) accepts it with no error or
 * warning; a config without contracts is a usage error (exit 2).
 */
import { expect, test } from "bun:test";
import { Parser } from "@asyncapi/parser";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

const root = new URL("..", import.meta.url).pathname;
const contracts = `${root}tests/fixtures/contracts/contracts.ts`;

function run(args: string[]): { exitCode: number; stdout: string; stderr: string } {
  const result = Bun.spawnSync([process.execPath, `${root}cli.ts`, ...args], { stdout: "pipe", stderr: "pipe" });
  return { exitCode: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

test("scx contracts asyncapi prints an AsyncAPI 3.0 document that @asyncapi/parser validates", async () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-asyncapi-`);
  writeFileSync(`${dir}/contracts.ts`, `export { default } from ${JSON.stringify(contracts)};\n`);
  writeFileSync(`${dir}/scx.yaml`, "port: 9100\ncontracts: ./contracts.ts\n");
  const result = run(["contracts", "asyncapi", `${dir}/scx.yaml`]);
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  const doc = JSON.parse(result.stdout);
  expect(doc.asyncapi).toBe("3.0.0");
  const { document, diagnostics } = await new Parser().parse(result.stdout);
  // Severity 0 is an error, 1 a warning; 2 and 3 are hints (such as "3.1.0 exists").
  expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join(".")}`)).toEqual([]);
  expect(document).toBeDefined();
  expect(document!.channels().all().map((channel) => channel.address()).sort()).toEqual(["broken", "chat/{p1}", "login", "note", "secret/{p1}"]);
  const chat = doc.channels.chat_one.messages.publication.payload;
  expect(chat.properties.text).toEqual({ type: "string", maxLength: 500 });
  expect(doc.operations.procedure_login.reply.messages[0].$ref).toBe("#/channels/procedure_login/messages/reply");
  expect(document!.operations().all().length).toBe(4 + 2 + 1);
}, 60_000);

test("the official parser refuses a broken document (the check can fail)", async () => {
  const { document, diagnostics } = await new Parser().parse(JSON.stringify({ asyncapi: "3.0.0", info: {}, channels: { x: { address: 5 } } }));
  expect(document).toBeUndefined();
  expect(diagnostics.some((d) => d.severity === 0)).toBe(true);
});

test("scx contracts asyncapi on a config without contracts is a one-line usage error, exit 2", () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-asyncapi-`);
  writeFileSync(`${dir}/scx.yaml`, "port: 9100\n");
  const result = run(["contracts", "asyncapi", `${dir}/scx.yaml`]);
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain("names no contracts module");
  expect(run(["contracts", "openapi"]).exitCode).toBe(2);
});
