/**
 * The files and folders a config names (worker script, static folder, TLS and key files),
 * and the problems for those that are missing, placed at the key in the file (or naming
 * the variable or flag the value came from), like every other config error.
 *
 * @example
 * referencedPaths(config); // [{ path: ["worker"], value: "/srv/app/worker.ts", kind: "file" }, ...]
 */
import { LineCounter, parseDocument } from "yaml";
import type { Config } from "./schema.ts";
import type { ConfigProblem } from "./ConfigError.ts";
import type { EnvOverride } from "./envOverrides.ts";

/** One path-valued key and what must be there. */
export interface ReferencedPath { path: string[]; value: string; kind: "file" | "folder" }

export function referencedPaths(config: Config): ReferencedPath[] {
  const out: ReferencedPath[] = [];
  const add = (path: string[], value: string | null | undefined, kind: "file" | "folder" = "file") => {
    if (value) out.push({ path, value, kind });
  };
  add(["worker"], config.worker);
  add(["contracts"], config.contracts?.file);
  add(["static"], config.static, "folder");
  add(["tls", "certFile"], config.tls?.certFile);
  add(["tls", "keyFile"], config.tls?.keyFile);
  add(["auth", "keyFile"], config.auth.keyFile);
  add(["auth", "publicKeyFile"], config.auth.publicKeyFile);
  config.auth.verifyKeys.forEach((entry, index) => add(["auth", "verifyKeys", String(index), "keyFile"], entry.keyFile));
  return out;
}

/**
 * A problem for each referenced path that is missing, given which absolute paths are.
 * `text` is the config file's text (for line and column); `overrides` are the environment
 * variables and flags that were applied (a value from one of them names it instead).
 *
 * @example
 * missingPathProblems(config, missing, { file: "scx.yaml", text, overrides: [] });
 * // [{ file: "scx.yaml", line: 4, column: 9, path: ["worker"], expected: "an existing file", ... }]
 */
export function missingPathProblems(
  config: Config,
  missing: (reference: ReferencedPath) => boolean,
  source: { file: string; text: string; overrides: readonly EnvOverride[] },
): ConfigProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: false });
  const problems: ConfigProblem[] = [];
  for (const reference of referencedPaths(config)) {
    if (!missing(reference)) continue;
    const found = `"${reference.value}", which does not exist`;
    const problem = { file: source.file, path: reference.path, expected: `an existing ${reference.kind}`, found };
    const override = source.overrides.findLast((entry) => entry.path.every((part, index) => reference.path[index] === part));
    if (override) {
      problems.push({ ...problem, line: 0, column: 0, env: override.name });
      continue;
    }
    const node = doc.getIn(reference.path.map((part) => (/^\d+$/.test(part) ? Number(part) : part)), true) as
      { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    const position = offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset);
    problems.push({ ...problem, line: position.line, column: position.col });
  }
  return problems;
}
