/**
 * Print the close-code and error-name tables generated from src/protocol/, or with
 * `--write` put them into README.md between the codes-reference markers.
 *
 * @example
 * bun scripts/codes-reference.ts --write
 */
import { readFileSync, writeFileSync } from "node:fs";
import { codesReference, withCodesReference } from "../src/protocol/codesReference.ts";
import { withPusherCodesReference } from "../src/protocol/pusher/codesReference.ts";

if (process.argv.includes("--write")) {
  const path = new URL("../README.md", import.meta.url).pathname;
  writeFileSync(path, withPusherCodesReference(withCodesReference(readFileSync(path, "utf8"))));
  console.log(`Updated the close codes and error names in ${path}`);
} else {
  console.log(codesReference());
}
