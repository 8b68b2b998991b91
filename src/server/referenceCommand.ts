/**
 * `scx config reference [--write]`: print the config reference, or replace the table
 * between the config-reference markers in ./README.md (the current directory's, so it
 * works the same from the sources and from the compiled binary).
 *
 * @example
 * await referenceCommand(runtime, ["--write"], process.cwd());
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Runtime } from "../runtime/runtime.ts";
import { configReference } from "../config/reference.ts";
import { parseArgs } from "./parseArgs.ts";
import { UsageError } from "./UsageError.ts";

const markers = /<!-- config-reference:start -->[\s\S]*<!-- config-reference:end -->/;

export async function referenceCommand(runtime: Runtime, args: string[], cwd: string): Promise<number> {
  const parsed = parseArgs("config reference", args, { options: { write: "switch" }, maxPositionals: 0 });
  const table = `<!-- config-reference:start -->\n${configReference()}\n<!-- config-reference:end -->`;
  if (!parsed.options.write) {
    runtime.writeStdout(table + "\n");
    return 0;
  }
  const path = `${cwd.replace(/\/+$/, "")}/README.md`;
  const readme = await readFile(path, "utf8").catch(() => null);
  if (readme === null) throw new UsageError(`scx config reference --write: found no README.md in ${cwd}: run it in the folder that holds it`);
  if (!markers.test(readme)) {
    throw new UsageError(`scx config reference --write: ${path} has no <!-- config-reference:start --> ... <!-- config-reference:end --> markers: add them where the table goes`);
  }
  await writeFile(path, readme.replace(markers, () => table));
  runtime.writeStdout(`Updated the config reference in ${path}\n`);
  return 0;
}
