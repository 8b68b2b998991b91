/**
 * The README's config reference, generated from the schema: one row per key with its
 * type, default, environment variable and description. A list of objects (`channels`,
 * `auth.verifyKeys`) also gets one row per field of its entries, as `channels[].history.size`
 * (no environment variable: lists are set in the file).
 *
 * @example
 * configReference(); // "| key | type | default | env | description |\n..."
 */
import { z } from "zod";
import { envName } from "./envOverrides.ts";
import { type Leaf, leaves, unwrap } from "./schemaWalk.ts";

function row(key: string, leaf: Leaf, env: string): string {
  const fallback = leaf.defaultValue === undefined ? "–" : `\`${JSON.stringify(leaf.defaultValue)}\``;
  return `| \`${key}\` | ${leaf.kind} | ${fallback} | ${env} | ${leaf.description.replaceAll("|", "\\|")} |`;
}

export function configReference(): string {
  const rows = leaves().flatMap((leaf) => {
    const key = leaf.path.join(".");
    const own = row(key, leaf, `\`${envName(leaf.path)}\``);
    const list = unwrap(leaf.schema);
    const entry = list instanceof z.ZodArray ? unwrap(list.element as z.ZodType) : null;
    if (!(entry instanceof z.ZodObject)) return [own];
    return [own, ...leaves(entry).map((field) => row(`${key}[].${field.path.join(".")}`, field, "–"))];
  });
  return ["| key | type | default | env | description |", "|---|---|---|---|---|", ...rows].join("\n");
}
