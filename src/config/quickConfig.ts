/**
 * The start-up path's config, without zod: environment overrides and config flags from
 * the schema table, and the validated config when every value given is one the table can
 * judge exactly (a scalar or list leaf under mappings that default to mappings). Anything
 * else, every invalid value included, returns null and the caller asks the zod schema
 * (parseConfig.ts), which gives the same config or the same errors as always.
 *
 * @example
 * const table = await loadSchemaTable();
 * quickConfig(table, { port: 9000 }, tableOverrides(table, { SCX_LOG_LEVEL: "debug" }))?.port; // 9000
 */
import type { Config } from "./schema.ts";
import type { LeafShape, SchemaTable, TableLeaf } from "./schemaTable.ts";
import type { EnvOverride } from "./envOverrides.ts";
import { coerce } from "./coerce.ts";

/**
 * The `SCX_*` variables that name a config key, coerced, in the schema's order (as envOverrides()).
 *
 * @example
 * tableOverrides(table, { SCX_PORT: "9000" }); // [{ name: "SCX_PORT", path: ["port"], value: 9000 }]
 */
export function tableOverrides(table: SchemaTable, env: Record<string, string | undefined>): EnvOverride[] {
  const out: EnvOverride[] = [];
  for (const leaf of table.leaves) {
    const raw = env[leaf.env];
    if (raw !== undefined) out.push({ name: leaf.env, path: leaf.path, value: coerce(raw, new Set(leaf.types)) });
  }
  return out;
}

/**
 * The override a config flag and its raw value stand for (as configFlag()), or undefined.
 *
 * @example
 * tableFlag(table, "--port", "9000"); // { name: "--port", path: ["port"], value: 9000 }
 */
export function tableFlag(table: SchemaTable, name: string, raw: string): EnvOverride | undefined {
  const leaf = table.leaves.find((candidate) => candidate.flag === name);
  return leaf && { name, path: leaf.path, value: coerce(raw, new Set(leaf.types)) };
}

/**
 * The config for `data` (a parsed file) with `overrides` applied, or null when zod must judge.
 *
 * @example
 * quickConfig(table, { port: 9000 }, [])?.port; // 9000
 * quickConfig(table, { port: -1 }, []); // null: parseConfig reports it
 */
export function quickConfig(table: SchemaTable, data: unknown, overrides: readonly EnvOverride[]): Config | null {
  const byPath = new Map(table.leaves.map((leaf) => [leaf.path.join("."), leaf]));
  const values = new Map<string, unknown>();
  const collect = (node: unknown, path: string[]): boolean => {
    if (!plainObject(node)) return false;
    for (const [key, value] of Object.entries(node)) {
      const at = [...path, key];
      const dotted = at.join(".");
      if (table.objects[dotted]) {
        if (!collect(value, at)) return false;
        continue;
      }
      if (!byPath.has(dotted)) return false;
      values.set(dotted, value);
    }
    return true;
  };
  if (!collect(data, [])) return null;
  for (const override of overrides) {
    const dotted = override.path.join(".");
    // An override replaces the whole value at its key, as parseConfig's setIn does.
    for (const key of [...values.keys()]) if (key.startsWith(`${dotted}.`)) values.delete(key);
    values.set(dotted, override.value);
  }
  for (const [dotted, value] of values) {
    const leaf: TableLeaf | undefined = byPath.get(dotted);
    if (!leaf?.shape || !fits(value, leaf.shape)) return null;
  }
  const config = structuredClone(table.defaults) as unknown as Record<string, unknown>;
  for (const [dotted, value] of values) {
    const path = dotted.split(".");
    let node = config;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[path.at(-1)!] = value;
  }
  return ordered(config, "", table) as Config;
}

/** Keys in the schema's order, as zod returns them. */
function ordered(node: Record<string, unknown>, dotted: string, table: SchemaTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of table.objects[dotted]!) {
    if (!(key in node)) continue;
    const child = dotted ? `${dotted}.${key}` : key;
    out[key] = table.objects[child] ? ordered(node[key] as Record<string, unknown>, child, table) : node[key];
  }
  return out;
}

function plainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Whether zod would take `value` unchanged under `shape`.
 *
 * @example
 * fits(9000, { t: "number", int: true, min: 0, minInclusive: true }); // true
 */
export function fits(value: unknown, shape: LeafShape): boolean {
  switch (shape.t) {
    case "boolean":
      return typeof value === "boolean";
    case "values":
      return shape.values.some((candidate) => candidate === value);
    case "union":
      return shape.of.some((option) => fits(value, option));
    case "array":
      return Array.isArray(value) && value.every((item) => fits(item, shape.of));
    case "string":
      return typeof value === "string" &&
        (shape.minLength === undefined || value.length >= shape.minLength) &&
        (shape.maxLength === undefined || value.length <= shape.maxLength) &&
        (shape.prefix === undefined || value.startsWith(shape.prefix)) &&
        (shape.pattern === undefined || new RegExp(shape.pattern).test(value));
    case "number":
      return typeof value === "number" && Number.isFinite(value) &&
        (!shape.int || Number.isSafeInteger(value)) &&
        (shape.min === undefined || (shape.minInclusive ? value >= shape.min : value > shape.min)) &&
        (shape.max === undefined || (shape.maxInclusive ? value <= shape.max : value < shape.max));
  }
}
