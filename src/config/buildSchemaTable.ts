/**
 * Build the schema table (schemaTable.ts) from the zod schema: what `scripts/build.ts`
 * bakes into the binary, and what source runs compute on first use.
 *
 * @example
 * JSON.stringify(buildSchemaTable()).length; // a few KB
 */
import type { z } from "zod";
import { configSchema } from "./schema.ts";
import { leaves, unwrap } from "./schemaWalk.ts";
import { envName } from "./envOverrides.ts";
import { flagName } from "./configFlags.ts";
import { jsonTypes } from "./coerce.ts";
import type { LeafShape, SchemaTable } from "./schemaTable.ts";

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[]; checks?: Array<{ _zod: { def: Record<string, unknown> } }>;
  values?: unknown[]; entries?: Record<string, unknown>; coerce?: boolean; shape?: Record<string, z.ZodType> };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The table for the current schema (see the module comment). */
export function buildSchemaTable(): SchemaTable {
  const defaults = configSchema.parse({});
  const objects: Record<string, string[]> = {};
  collectObjects(configSchema, [], defaults, objects);
  return {
    leaves: leaves().map((leaf) => ({
      path: leaf.path,
      env: envName(leaf.path),
      flag: flagName(leaf.path),
      types: [...jsonTypes(leaf.json)],
      boolean: leaf.json.type === "boolean",
      // Only under mappings the quick path may merge into (no object-level rules on the way).
      shape: objects[leaf.path.slice(0, -1).join(".")] ? shapeOf(leaf.schema, true) : null,
    })),
    objects,
    defaults,
  };
}

/** Mappings whose default is a mapping and that carry no rules of their own (superRefine). */
function collectObjects(schema: z.ZodType, path: string[], fallback: unknown, out: Record<string, string[]>): void {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (def.type !== "object" || def.checks?.length || !fallback || typeof fallback !== "object" || Array.isArray(fallback)) return;
  out[path.join(".")] = Object.keys(def.shape!);
  for (const [key, child] of Object.entries(def.shape!)) collectObjects(child, [...path, key], (fallback as Record<string, unknown>)[key], out);
}

/** The exact shape of a leaf's schema, or null when zod alone can judge it. `top`: wrappers allowed. */
function shapeOf(schema: z.ZodType, top: boolean): LeafShape | null {
  const def = defOf(schema);
  if (def.coerce) return null;
  if (["default", "prefault", "optional"].includes(def.type)) return top ? shapeOf(def.innerType!, true) : null;
  if (def.type === "nullable") {
    const inner = shapeOf(def.innerType!, top);
    return inner && { t: "union", of: [inner, { t: "values", values: [null] }] };
  }
  const checks = (def.checks ?? []).map((check) => check._zod.def);
  switch (def.type) {
    case "boolean":
      return checks.length ? null : { t: "boolean" };
    case "enum":
      return checks.length ? null : { t: "values", values: Object.values(def.entries!) as Array<string | number> };
    case "literal":
      return checks.length ? null : { t: "values", values: def.values as Array<string | number | boolean | null> };
    case "union": {
      const of = def.options!.map((option) => shapeOf(option, false));
      return checks.length || of.some((shape) => shape === null) ? null : { t: "union", of: of as LeafShape[] };
    }
    case "array": {
      const of = shapeOf(def.element!, false);
      return checks.length || !of ? null : { t: "array", of };
    }
    case "string": {
      const shape: LeafShape & { t: "string" } = { t: "string" };
      for (const check of checks) {
        if (check.check === "min_length" && shape.minLength === undefined) shape.minLength = check.minimum as number;
        else if (check.check === "max_length" && shape.maxLength === undefined) shape.maxLength = check.maximum as number;
        else if (check.check === "string_format" && check.format === "starts_with" && shape.prefix === undefined) shape.prefix = check.prefix as string;
        else if (check.check === "string_format" && check.format === "regex" && shape.pattern === undefined && (check.pattern as RegExp).flags === "") {
          shape.pattern = (check.pattern as RegExp).source;
        } else return null;
      }
      return shape;
    }
    case "number": {
      const shape: LeafShape & { t: "number" } = { t: "number", int: false };
      for (const check of checks) {
        if (check.check === "number_format" && check.format === "safeint") shape.int = true;
        else if (check.check === "greater_than" && shape.min === undefined) [shape.min, shape.minInclusive] = [check.value as number, check.inclusive as boolean];
        else if (check.check === "less_than" && shape.max === undefined) [shape.max, shape.maxInclusive] = [check.value as number, check.inclusive as boolean];
        else return null;
      }
      return shape;
    }
    default:
      return null;
  }
}
