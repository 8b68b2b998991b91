/**
 * The README's config reference, generated from the schema: one row per key with its
 * type, default, environment variable and description.
 *
 * @example
 * configReference(); // "| key | type | default | env | description |\n..."
 */
import { envName } from "./envOverrides.ts";
import { leaves } from "./schemaWalk.ts";

export function configReference(): string {
  const rows = leaves().map((leaf) => {
    const fallback = leaf.defaultValue === undefined ? "–" : `\`${JSON.stringify(leaf.defaultValue)}\``;
    return `| \`${leaf.path.join(".")}\` | ${leaf.kind} | ${fallback} | \`${envName(leaf.path)}\` | ${leaf.description.replaceAll("|", "\\|")} |`;
  });
  return ["| key | type | default | env | description |", "|---|---|---|---|---|", ...rows].join("\n");
}
