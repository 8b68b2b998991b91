/**
 * Docs that mirror code, Pusher's half: README's Pusher error-code table is generated
 * from `pusherCodeTable`, and every code the sessions send has a row.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pusherCodesReference, withPusherCodesReference } from "../src/protocol/pusher/codesReference.ts";
import { PusherCode, pusherCodeTable } from "../src/protocol/pusher/errorCodes.ts";

const root = join(import.meta.dir, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

describe("pusherCodesReference()", () => {
  test("pusherCodesReference() matches README.md's Pusher error-code table", () => {
    const section = readme.match(/<!-- pusher-codes:start -->\n([\s\S]*?)\n<!-- pusher-codes:end -->/)?.[1];
    expect(section, "README.md's Pusher codes are stale or missing: run `bun scripts/codes-reference.ts --write`").toBe(pusherCodesReference());
  });

  test("withPusherCodesReference() replaces only the marked block and is idempotent", () => {
    const once = withPusherCodesReference("a\n<!-- pusher-codes:start -->\nold\n<!-- pusher-codes:end -->\nb");
    expect(once.startsWith("a\n<!-- pusher-codes:start -->\n| code |")).toBe(true);
    expect(withPusherCodesReference(once)).toBe(once);
  });

  test("pusherCodeTable has a row for every PusherCode the sessions use, and no code is written inline there", () => {
    for (const code of Object.values(PusherCode)) expect(pusherCodeTable[code]?.meaning).toBeTruthy();
    const dir = join(root, "src/worker/sessions/pusher");
    for (const file of readdirSync(dir)) {
      // Code only: comments may name the ranges.
      const source = readFileSync(join(dir, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      expect(source.match(/\b4[0-3]\d\d\b/g) ?? [], `${file} writes a Pusher code inline`).toEqual([]);
    }
  });
});
