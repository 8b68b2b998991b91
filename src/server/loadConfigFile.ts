/**
 * Read, validate and resolve a config file the way `scx serve`, `scx check` and `scx token`
 * do: environment overrides, then command-line flags, applied; paths made absolute; every
 * file and folder the config names checked to exist. A folder means its scx.yaml; a missing
 * default file means the defaults. Start-up cost: the schema table (schemaTable.ts) judges
 * plain values without zod; yaml loads only for a file, and zod (parseConfig) only for
 * values the table cannot judge, invalid ones included, so every error reads as before.
 *
 * @example
 * const { config, path } = await loadConfigFile(runtime, "my-app", process.cwd(), [{ name: "--port", path: ["port"], value: 9000 }]);
 */
// node:fs, not node:fs/promises: the promises module costs a binary several ms of start-up.
import { statSync } from "node:fs";
import type { Runtime } from "../runtime/runtime.ts";
import type { Config } from "../config/schema.ts";
import { ConfigError } from "../config/ConfigError.ts";
import type { EnvOverride } from "../config/envOverrides.ts";
import type { ReferencedPath } from "../config/referencedPaths.ts";
import { resolvePath, resolvePaths } from "../config/resolvePaths.ts";
import { loadSchemaTable } from "../config/schemaTable.ts";
import { quickConfig, tableOverrides } from "../config/quickConfig.ts";

export async function loadConfigFile(
  runtime: Runtime, file: string | null, cwd: string, flags: EnvOverride[] = [],
  /** Top-level keys whose files must exist (default: all; `scx token` needs only "auth"). */
  checked: readonly string[] | null = null,
): Promise<{ config: Config; path: string | null }> {
  const env = runtime.allEnv();
  let path: string | null = null;
  let shown = "(defaults)";
  let text = "{}";
  if (file === null) {
    const fallback = resolvePath(cwd, "scx.yaml");
    if (await kindOf(fallback) === "file") [path, shown] = [fallback, "scx.yaml"];
  } else {
    path = resolvePath(cwd, file);
    shown = file;
    if (await kindOf(path) === "folder") {
      path = resolvePath(path, "scx.yaml");
      shown = `${file.replace(/\/+$/, "")}/scx.yaml`;
    }
    if (await kindOf(path) !== "file") {
      throw new ConfigError([{ file: shown, line: 0, column: 0, path: [], expected: "a readable config file", found: "no such file" }]);
    }
  }
  if (path !== null) text = await runtime.readTextFile(path);
  const dir = path === null ? cwd : path.slice(0, path.lastIndexOf("/")) || "/";
  const table = await loadSchemaTable();
  const overrides = [...tableOverrides(table, env), ...flags];
  const quick = quickConfig(table, path === null ? {} : await fileData(text, shown), overrides);
  const parsed = quick ?? (await import("../config/parseConfig.ts")).parseConfig(text, shown, env, flags);
  const config = resolvePaths(parsed, dir);
  const kinds = new Map<string, "file" | "folder" | null>();
  for (const value of [config.worker, config.contracts?.file, config.static, config.tls?.certFile, config.tls?.keyFile, config.auth.keyFile,
    config.auth.publicKeyFile, ...config.auth.verifyKeys.map((entry) => entry.keyFile)]) {
    if (value) kinds.set(value, await kindOf(value));
  }
  if (kinds.size === 0) return { config, path };
  const { missingPathProblems } = await import("../config/referencedPaths.ts");
  const missing = (ref: ReferencedPath) => (checked === null || checked.includes(ref.path[0]!)) && kinds.get(ref.value) !== ref.kind;
  const problems = missingPathProblems(config, missing, { file: shown, text, overrides });
  if (problems.length) throw new ConfigError(problems);
  return { config, path };
}

/** The file's mapping as parseConfig would read it, or null where it would report a syntax error. */
async function fileData(text: string, file: string): Promise<unknown> {
  if (file.endsWith(".json")) {
    try {
      JSON.parse(text);
    } catch {
      return null;
    }
  }
  const { parseDocument } = await import("yaml");
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  return doc.errors.length ? null : doc.toJS() ?? {};
}

/** The default worker count: one per CPU where the kernel spreads a shared port (Linux), else 1. */
export function defaultWorkers(runtime: Runtime, config: Config): number {
  if (config.workers !== null) return config.workers;
  return runtime.reusePortSpreads() ? runtime.cpuCount() : 1;
}

async function kindOf(path: string): Promise<"file" | "folder" | null> {
  try {
    const info = statSync(path);
    return info.isDirectory() ? "folder" : info.isFile() ? "file" : null;
  } catch {
    return null;
  }
}
