/**
 * What a config value should have been, in words, for an error message: read from the
 * schema at the issue's path (so every problem with a key says the same thing), or from
 * the issue itself for string formats and custom checks.
 *
 * @example
 * describeExpected(issue, z.number().int().positive()); // "a positive integer"
 */
import type { z } from "zod";
import { type JsonSchema, jsonSchemaOf } from "./schemaWalk.ts";

export function describeExpected(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): string {
  if (issue.code === "invalid_format") {
    const format = issue as z.core.$ZodIssueInvalidStringFormat & { prefix?: string; suffix?: string; includes?: string };
    if (format.format === "starts_with") return `a string starting with ${JSON.stringify(format.prefix)}`;
    if (format.format === "ends_with") return `a string ending with ${JSON.stringify(format.suffix)}`;
    if (format.format === "includes") return `a string containing ${JSON.stringify(format.includes)}`;
    // A custom message on a check is written as the expectation ("a redis:// URL").
    if (!/^invalid/i.test(issue.message)) return issue.message;
    return format.pattern ? `a string matching ${format.pattern}` : `a valid ${format.format}`;
  }
  if (issue.code === "custom" || !schema) return lowerFirst(issue.message);
  return describeJson(jsonSchemaOf(schema));
}

function describeJson(json: JsonSchema): string {
  if (Array.isArray(json.enum)) return oneOf(json.enum);
  if ("const" in json) return JSON.stringify(json.const);
  const variants = (json.anyOf ?? json.oneOf) as JsonSchema[] | undefined;
  if (variants) {
    return variants.every((variant) => "const" in variant)
      ? oneOf(variants.map((variant) => variant.const))
      : orList(variants.map(describeJson));
  }
  if (Array.isArray(json.type)) return orList(json.type.map((type) => describeJson({ ...json, type })));
  switch (json.type) {
    case "integer":
    case "number":
      return describeNumber(json);
    case "string":
      if (Number(json.minLength) > 1) return `a string of at least ${json.minLength} characters`;
      return json.minLength === 1 ? "a non-empty string" : "a string";
    case "boolean":
      return "true or false";
    case "null":
      return "null";
    case "array": {
      const noun = plurals[String((json.items as JsonSchema | undefined)?.type)];
      return `${Number(json.minItems) > 0 ? "a non-empty list" : "a list"}${noun ? ` of ${noun}` : ""}`;
    }
    case "object":
      return "a mapping";
    default:
      return "any value";
  }
}

const plurals: Record<string, string> = {
  string: "strings", integer: "integers", number: "numbers", boolean: "booleans", object: "mappings",
};

function describeNumber(json: JsonSchema): string {
  const noun = json.type === "integer" ? "integer" : "number";
  const article = noun === "integer" ? "an" : "a";
  const bound = (value: unknown) => typeof value === "number" && Math.abs(value) < Number.MAX_SAFE_INTEGER ? value : undefined;
  const min = bound(json.minimum), above = bound(json.exclusiveMinimum);
  const max = bound(json.maximum), below = bound(json.exclusiveMaximum);
  if (min !== undefined && max !== undefined) return `${article} ${noun} from ${min} to ${max}`;
  if (max === undefined && below === undefined) {
    if (above === 0) return `a positive ${noun}`;
    if (min === 0) return `a non-negative ${noun}`;
  }
  const parts = [
    min !== undefined && `of at least ${min}`, above !== undefined && `above ${above}`,
    max !== undefined && `of at most ${max}`, below !== undefined && `below ${below}`,
  ].filter(Boolean);
  return `${article} ${noun}${parts.length ? ` ${parts.join(" and ")}` : ""}`;
}

function oneOf(values: unknown[]): string {
  const texts = values.map((value) => JSON.stringify(value));
  return texts.length > 2 ? `one of ${texts.join(", ")}` : texts.join(" or ");
}

function orList(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length > 1 ? `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}` : unique[0] ?? "any value";
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
