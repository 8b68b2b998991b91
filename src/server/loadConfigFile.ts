/**
 * Read, validate and resolve a config file the way `scx serve` and `scx check` do:
 * environment overrides applied, paths made absolute. A missing default file means defaults.
 *
 * @example
 * const config = await loadConfigFile(runtime, "scx.yaml", { required: true });
 */
import type { Runtime } from "../runtime/runtime.ts";
import type { Config } from "../config/schema.ts";
import { parseConfig } from "../config/parseConfig.ts";
import { ConfigError } from "../config/ConfigError.ts";
import { resolvePath, resolvePaths } from "../config/resolvePaths.ts";

export async function loadConfigFile(runtime: Runtime, file: string | null, cwd: string): Promise<{ config: Config; path: string | null }> {
  const env = runtime.allEnv();
  if (file === null) {
    const fallback = resolvePath(cwd, "scx.yaml");
    if (!(await runtime.fileExists(fallback))) {
      return { config: resolvePaths(parseConfig("{}", "(defaults)", env), cwd), path: null };
    }
    file = fallback;
  }
  const path = resolvePath(cwd, file);
  if (!(await runtime.fileExists(path))) {
    throw new ConfigError([{ file, line: 0, column: 0, path: [], expected: "a readable config file", found: "no such file" }]);
  }
  const text = await runtime.readTextFile(path);
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  return { config: resolvePaths(parseConfig(text, file, env), dir), path };
}

/** The default worker count: one per CPU where the kernel spreads a shared port (Linux), else 1. */
export function defaultWorkers(runtime: Runtime, config: Config): number {
  if (config.workers !== null) return config.workers;
  return runtime.reusePortSpreads() ? runtime.cpuCount() : 1;
}
