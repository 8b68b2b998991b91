/**
 * Command-line flags for every config key, generated from the schema's leaves like the
 * environment overrides: kebab-case keys, a dot between nested keys (`--port`,
 * `--log-level`, `--auth.default-expiry`, `--tls.cert-file`). Values are coerced by the
 * key's type the same way as `SCX_*` variables; flags beat the environment, which beats
 * the file.
 *
 * @example
 * configFlag("--log-level", "debug"); // { name: "--log-level", path: ["logLevel"], value: "debug" }
 */
import { coerceText, type EnvOverride } from "./envOverrides.ts";
import { type Leaf, leaves } from "./schemaWalk.ts";

/** One generated flag: its name, the key it sets, and what the reference says of it. */
export interface ConfigFlag { name: string; leaf: Leaf; boolean: boolean }

/**
 * The flag name for a key path.
 *
 * @example
 * flagName(["auth", "defaultExpiry"]); // "--auth.default-expiry"
 */
export function flagName(path: readonly string[]): string {
  return "--" + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase()).join(".");
}

/**
 * Every generated flag, in the schema's order.
 *
 * @example
 * configFlags().map((flag) => flag.name); // ["--host", "--port", ...]
 */
export function configFlags(): ConfigFlag[] {
  return leaves().map((leaf) => ({ name: flagName(leaf.path), leaf, boolean: leaf.json.type === "boolean" }));
}

/**
 * The override a flag and its raw value stand for (shaped like an environment override,
 * so config errors name the flag), or undefined for a name that is no config flag.
 *
 * @example
 * configFlag("--port", "9000"); // { name: "--port", path: ["port"], value: 9000 }
 */
export function configFlag(name: string, raw: string): EnvOverride | undefined {
  const flag = configFlags().find((candidate) => candidate.name === name);
  return flag && { name, path: flag.leaf.path, value: coerceText(raw, flag.leaf.json) };
}

/**
 * The generated flags as help lines: name, value kind, description and default.
 *
 * @example
 * configFlagsHelp(); // "  --port <integer>  TCP port ... (default 8000)\n..."
 */
export function configFlagsHelp(): string {
  const rows = configFlags().map((flag) => {
    const kind = flag.leaf.kind.replaceAll("\\|", "|").replaceAll('"', "").replaceAll(" | ", "|");
    const placeholder = kind.length > 30 ? flag.name.slice(flag.name.lastIndexOf(".") + 1).replace(/^--/, "") : kind;
    const value = flag.boolean ? "[=true|false]" : ` <${placeholder}>`;
    const fallback = flag.leaf.defaultValue === undefined ? "" : ` (default ${JSON.stringify(flag.leaf.defaultValue)})`;
    return [`${flag.name}${value}`, `${flag.leaf.description}${fallback}`] as const;
  });
  const width = Math.min(44, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${left.length >= width ? "\n  " + " ".repeat(width) : ""}${right}`).join("\n");
}
