/**
 * Environment overrides: `SCX_<KEY>` for a top-level key in SCREAMING_SNAKE case and a
 * double underscore between nested keys (`SCX_PORT`, `SCX_AUTH__KEY`). The names come from
 * the schema's leaves; values are coerced by the schema's type at that key: numbers,
 * booleans (`true`, `false`), `null`, JSON (or a comma list) for lists, else the string.
 * A value that does not fit stays a string, and validation then names the variable.
 *
 * @example
 * envOverrides({ SCX_PORT: "9000" }); // [{ name: "SCX_PORT", path: ["port"], value: 9000 }]
 */
import { type JsonSchema, leaves } from "./schemaWalk.ts";
import { coerce, jsonTypes } from "./coerce.ts";

/** One variable that names a config key, with its coerced value. */
export interface EnvOverride { name: string; path: string[]; value: unknown }

/**
 * The variable name for a key path.
 *
 * @example
 * envName(["auth", "defaultExpiry"]); // "SCX_AUTH__DEFAULT_EXPIRY"
 */
export function envName(path: readonly string[]): string {
  return "SCX_" + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()).join("__");
}

export function envOverrides(env: Record<string, string | undefined>): EnvOverride[] {
  const out: EnvOverride[] = [];
  for (const leaf of leaves()) {
    const name = envName(leaf.path);
    const raw = env[name];
    if (raw === undefined) continue;
    out.push({ name, path: leaf.path, value: coerce(raw, jsonTypes(leaf.json)) });
  }
  return out;
}

/**
 * SCX_ variables that name no config key (worth a warning: likely a typo), sorted.
 *
 * @example
 * unknownEnvKeys({ SCX_PROT: "9000", HOME: "/root" }); // ["SCX_PROT"]
 */
export function unknownEnvKeys(env: Record<string, string | undefined>): string[] {
  const known = new Set(leaves().map((leaf) => envName(leaf.path)));
  return Object.keys(env).filter((name) => name.startsWith("SCX_") && !known.has(name)).sort();
}

/**
 * A raw string (from the environment or a command-line flag) coerced by a leaf's JSON Schema.
 *
 * @example
 * coerceText("9000", { type: "integer" }); // 9000
 */
export function coerceText(raw: string, json: JsonSchema): unknown {
  return coerce(raw, jsonTypes(json));
}
