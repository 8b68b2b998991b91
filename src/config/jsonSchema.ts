/**
 * The config's JSON Schema, for editors (`scx config schema`; point yaml-language-server
 * at it with `# yaml-language-server: $schema=./scx.schema.json`).
 *
 * @example
 * JSON.stringify(configJsonSchema());
 */
import { z } from "zod";
import { configSchema } from "./schema.ts";

export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    title: "scx config",
    description: "Configuration of an scx server (scx.yaml or scx.json)",
  };
}
