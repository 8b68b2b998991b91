/**
 * Walk the zod config schema generically: the keys valid at a path, and each leaf's
 * type, default and description (for env overrides and the reference).
 *
 * @example
 * keysAt(["auth"]); // ["algorithm", "key", ...]
 */
import { z } from "zod";
import { configSchema } from "./schema.ts";

export interface Leaf { path: string[]; schema: z.ZodType; kind: string; defaultValue: unknown; description: string }

/** Unwrap defaults, optionals and nullables down to the schema that holds the shape. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema as z.ZodType & { def: { innerType?: z.ZodType; type: string } };
  while (current.def.innerType && ["default", "prefault", "optional", "nullable"].includes(current.def.type)) {
    current = current.def.innerType as typeof current;
  }
  return current;
}

export function objectAt(path: readonly (string | number)[]): z.ZodObject | undefined {
  let current: z.ZodType = configSchema;
  for (const part of path) {
    const inner = unwrap(current);
    if (inner instanceof z.ZodObject) current = inner.shape[part as string];
    else if (inner instanceof z.ZodArray) current = inner.element as z.ZodType;
    else return undefined;
    if (!current) return undefined;
  }
  const inner = unwrap(current);
  return inner instanceof z.ZodObject ? inner : undefined;
}

export function keysAt(path: readonly (string | number)[]): string[] {
  return Object.keys(objectAt(path)?.shape ?? {});
}

/** Every leaf (non-object) key of the schema, depth first, in declaration order. */
export function leaves(schema: z.ZodObject = configSchema, prefix: string[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const [key, child] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    const inner = unwrap(child);
    if (inner instanceof z.ZodObject) {
      out.push(...leaves(inner, [...prefix, key]));
      continue;
    }
    const json = z.toJSONSchema(child, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    out.push({
      path: [...prefix, key],
      schema: child,
      kind: describeType(json),
      defaultValue: json.default,
      description: child.description ?? inner.description ?? "",
    });
  }
  return out;
}

function describeType(json: Record<string, unknown>): string {
  if (Array.isArray(json.enum)) return json.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  if (json.const !== undefined) return JSON.stringify(json.const);
  const variants = (json.anyOf ?? json.oneOf) as Record<string, unknown>[] | undefined;
  if (variants) return variants.map(describeType).join(" \\| ");
  if (Array.isArray(json.type)) return json.type.join(" \\| ");
  if (json.type === "array") return `${describeType((json.items ?? {}) as Record<string, unknown>)}[]`;
  if (json.type === "object") return "object";
  return String(json.type ?? "any");
}
