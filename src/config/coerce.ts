/**
 * How a raw string from the environment or a command-line flag becomes a config value:
 * by the JSON types its key accepts (numbers, booleans, `null`, JSON or a comma list for
 * lists, else the string). No zod here: the binary's start-up path uses it with the
 * precomputed schema table (schemaTable.ts).
 *
 * @example
 * coerce("9000", new Set(["integer"])); // 9000
 */
import type { JsonSchema } from "./schemaWalk.ts";

/**
 * The JSON types a value may have (consts and enums count as their own type).
 *
 * @example
 * jsonTypes({ anyOf: [{ type: "integer" }, { type: "null" }] }); // Set { "integer", "null" }
 */
export function jsonTypes(json: JsonSchema): Set<string> {
  const out = new Set<string>();
  const visit = (node: JsonSchema) => {
    for (const variant of (node.anyOf ?? node.oneOf ?? []) as JsonSchema[]) visit(variant);
    for (const type of [node.type].flat()) if (typeof type === "string") out.add(type);
    for (const value of "const" in node ? [node.const] : (node.enum as unknown[] | undefined) ?? []) {
      out.add(value === null ? "null" : typeof value);
    }
  };
  visit(json);
  if (out.size === 0) out.add("string");
  return out;
}

/** A raw string coerced by the types its key accepts (see the module comment). */
export function coerce(raw: string, types: ReadonlySet<string>): unknown {
  const text = raw.trim();
  if (text === "null" && types.has("null")) return null;
  if ((types.has("number") || types.has("integer")) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (types.has("boolean") && (text === "true" || text === "false")) return text === "true";
  if ((types.has("array") && text.startsWith("[")) || (types.has("object") && text.startsWith("{"))) {
    try {
      return JSON.parse(text);
    } catch {
      return raw;
    }
  }
  if (types.has("array") && !types.has("string")) return text.split(",").map((part) => part.trim()).filter(Boolean);
  return raw;
}
