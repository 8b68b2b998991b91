/**
 * Walk the zod config schema generically: the schema and keys valid at a path, and each
 * leaf's type, default and description (for env overrides, errors and the reference).
 *
 * @example
 * keysAt(["auth"]); // ["algorithm", "key", ...]
 */
import { z } from "zod";
import { configSchema } from "./schema.ts";

/** A key that holds a value rather than more keys, with its JSON Schema (io "input"). */
export interface Leaf { path: string[]; schema: z.ZodType; json: JsonSchema; kind: string; defaultValue: unknown; description: string }
export type JsonSchema = Record<string, unknown>;

/**
 * Unwrap defaults, optionals and nullables down to the schema that holds the shape.
 *
 * @example
 * unwrap(z.number().nullable().default(1)); // the z.number()
 */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema as z.ZodType & { def: { innerType?: z.ZodType; type: string } };
  while (current.def.innerType && ["default", "prefault", "optional", "nullable"].includes(current.def.type)) {
    current = current.def.innerType as typeof current;
  }
  return current;
}

/**
 * The schema at a key path (array indices step into the element), or undefined.
 *
 * @example
 * schemaAt(["auth", "verifyKeys", 0, "kid"]); // z.string()
 */
export function schemaAt(path: readonly PropertyKey[], root: z.ZodType = configSchema): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const part of path) {
    const inner = unwrap(current);
    if (inner instanceof z.ZodObject) current = inner.shape[String(part)] as z.ZodType | undefined;
    else if (inner instanceof z.ZodArray) current = inner.element as z.ZodType;
    else return undefined;
    if (!current) return undefined;
  }
  return current;
}

/**
 * The keys valid in the mapping at a path (empty when the path holds no mapping).
 *
 * @example
 * keysAt([]); // ["host", "port", ...]
 */
export function keysAt(path: readonly PropertyKey[]): string[] {
  const schema = schemaAt(path);
  const inner = schema && unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

/**
 * Every leaf (non-object) key of the schema, depth first, in declaration order.
 *
 * @example
 * leaves().map((leaf) => leaf.path.join(".")); // ["host", "port", ..., "auth.key", ...]
 */
export function leaves(schema: z.ZodObject = configSchema, prefix: string[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const [key, child] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    const inner = unwrap(child);
    if (inner instanceof z.ZodObject) {
      out.push(...leaves(inner, [...prefix, key]));
      continue;
    }
    const json = jsonSchemaOf(child);
    out.push({
      path: [...prefix, key],
      schema: child,
      json,
      kind: describeType(json),
      defaultValue: json.default,
      description: child.description ?? inner.description ?? "",
    });
  }
  return out;
}

/**
 * A schema's JSON Schema as the input side sees it (what a config file may hold).
 *
 * @example
 * jsonSchemaOf(z.number().int()); // { type: "integer", ... }
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

function describeType(json: JsonSchema): string {
  if (Array.isArray(json.enum)) return json.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  if (json.const !== undefined) return JSON.stringify(json.const);
  const variants = (json.anyOf ?? json.oneOf) as JsonSchema[] | undefined;
  if (variants) return variants.map(describeType).join(" \\| ");
  if (Array.isArray(json.type)) return json.type.join(" \\| ");
  if (json.type === "array") return `${describeType((json.items ?? {}) as JsonSchema)}[]`;
  if (json.type === "object") return "object";
  return String(json.type ?? "any");
}
