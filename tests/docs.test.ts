/**
 * Docs that mirror code: README's close-code and error-name tables are the ones
 * src/protocol/ generates, and every code and name the source uses is documented there.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { codesReference, withCodesReference } from "../src/protocol/codesReference.ts";
import { CloseCode, closeCodeTable } from "../src/protocol/closeCodes.ts";
import { ErrorName, errorNameTable } from "../src/protocol/errorNames.ts";

const root = join(import.meta.dir, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []);
}
const source = [...sourceFiles(join(root, "src")), join(root, "worker.ts"), join(root, "broker.ts")]
  .map((file) => readFileSync(file, "utf8")).join("\n");

describe("codesReference()", () => {
  test("codesReference() matches README.md's close codes and error names section", () => {
    const section = readme.match(/<!-- codes-reference:start -->\n([\s\S]*?)\n<!-- codes-reference:end -->/)?.[1];
    expect(section, "README.md's close codes and error names are stale or missing: run `bun scripts/codes-reference.ts --write`").toBe(codesReference());
  });

  test("withCodesReference() replaces only the marked block and is idempotent", () => {
    const text = "before\n<!-- codes-reference:start -->\nold $1 table\n<!-- codes-reference:end -->\nafter";
    const once = withCodesReference(text);
    expect(once.startsWith("before\n<!-- codes-reference:start -->\n| code |")).toBe(true);
    expect(once.endsWith("\n<!-- codes-reference:end -->\nafter")).toBe(true);
    expect(withCodesReference(once)).toBe(once);
  });

  test("codesReference() documents every close code the source sends and every error name", () => {
    const used = [...new Set([...source.matchAll(/CloseCode\.(\w+)/g)].map((match) => match[1]))];
    for (const key of used) {
      const code = CloseCode[key as keyof typeof CloseCode];
      expect(code, `CloseCode.${key} is not in the table`).toBeDefined();
      expect(closeCodeTable[code]?.scx, `close code ${code} (${key}) is used but has no "scx" note, so README leaves it out`).toBeTruthy();
    }
    const table = codesReference();
    for (const name of Object.values(ErrorName)) expect(table).toContain(`| \`${name}\` | ${errorNameTable[name]} |`);
  });

  test("codesReference() says 1001 is scx's going-away close and the channel limit answers BrokerError", () => {
    const table = codesReference();
    expect(table).toMatch(/\| 1001 \| [^\n]*going away: SIGTERM/);
    expect(table).toMatch(/\| `BrokerError` \| Channel limit/);
    expect(source).toMatch(/namedError\(ErrorName\.Broker,\s*`Failed to subscribe[^`]*channel subscription limit/);
  });
});
