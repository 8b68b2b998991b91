/**
 * Environment overrides: `SCX_<KEY>` for a top-level key in SCREAMING_SNAKE case and a
 * double underscore between nested keys (`SCX_PORT`, `SCX_AUTH__KEY`). Values are coerced
 * by the schema's type at that key: numbers, booleans, null, JSON for lists.
 *
 * @example
 * envOverrides({ SCX_PORT: "9000" }); // [{ name: "SCX_PORT", path: ["port"], value: 9000 }]
 */
import { leaves } from "./schemaWalk.ts";

export interface EnvOverride { name: string; path: string[]; value: unknown }

export function envName(path: readonly string[]): string {
  return "SCX_" + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()).join("__");
}

export function envOverrides(env: Record<string, string | undefined>): EnvOverride[] {
  const out: EnvOverride[] = [];
  for (const leaf of leaves()) {
    const name = envName(leaf.path);
    const raw = env[name];
    if (raw === undefined) continue;
    out.push({ name, path: leaf.path, value: coerce(raw, leaf.kind) });
  }
  return out;
}

/** SCX_ variables that name no config key (worth a warning: likely a typo). */
export function unknownEnvKeys(env: Record<string, string | undefined>): string[] {
  const known = new Set(leaves().map((leaf) => envName(leaf.path)));
  return Object.keys(env).filter((name) => name.startsWith("SCX_") && !known.has(name));
}

function coerce(raw: string, kind: string): unknown {
  const text = raw.trim();
  if (text === "null" && kind.includes("null")) return null;
  if (kind.endsWith("[]") || kind === "object") {
    try {
      return JSON.parse(text);
    } catch {
      return kind.endsWith("[]") ? text.split(",").map((part) => part.trim()).filter(Boolean) : raw;
    }
  }
  if ((kind.includes("number") || kind.includes("integer") || /^\d/.test(kind)) && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (kind.includes("boolean") && (text === "true" || text === "false")) return text === "true";
  return raw;
}
