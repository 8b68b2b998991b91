/**
 * The config schema as plain data, for the start-up path: every leaf key with its
 * variable and flag names, the JSON types its raw strings coerce to, and (where the
 * schema's rules can be checked exactly without zod) a small shape to check values
 * against; the key order of every mapping; and the defaults. `scripts/build.ts` bakes the
 * table into the binary (`--define`), so `scx serve` loads neither zod nor the schema
 * unless a value needs them; from source it is built from the zod schema once.
 *
 * @example
 * const table = await loadSchemaTable();
 * table.leaves.find((leaf) => leaf.env === "SCX_PORT")?.types; // ["integer"]
 */
import type { Config } from "./schema.ts";

/**
 * What a value must be for zod to take it unchanged. Only exact rules: a leaf whose zod
 * schema has anything else (refinements, transforms, objects) has no shape.
 */
export type LeafShape =
  | { t: "string"; minLength?: number; maxLength?: number; prefix?: string; pattern?: string }
  | { t: "number"; int: boolean; min?: number; minInclusive?: boolean; max?: number; maxInclusive?: boolean }
  | { t: "boolean" }
  | { t: "values"; values: Array<string | number | boolean | null> }
  | { t: "union"; of: LeafShape[] }
  | { t: "array"; of: LeafShape };

export interface TableLeaf {
  path: string[];
  /** `SCX_PORT`, `SCX_AUTH__DEFAULT_EXPIRY`. */
  env: string;
  /** `--port`, `--auth.default-expiry`. */
  flag: string;
  /** JSON types a raw string coerces to (see coerce.ts). */
  types: string[];
  /** A flag that may stand alone (`--allow-client-publish`). */
  boolean: boolean;
  /** Null: only the zod schema can judge a value here. */
  shape: LeafShape | null;
}

export interface SchemaTable {
  leaves: TableLeaf[];
  /** Key order of every mapping whose default is a mapping, by dotted path ("" is the root). */
  objects: Record<string, string[]>;
  /** `configSchema.parse({})`. */
  defaults: Config;
}

let loaded: SchemaTable | null = (globalThis as { SCX_SCHEMA_TABLE?: SchemaTable }).SCX_SCHEMA_TABLE ?? null;

/**
 * The table: baked into the binary, else built from the zod schema on first use.
 *
 * @example
 * (await loadSchemaTable()).defaults.port; // 8000
 */
export async function loadSchemaTable(): Promise<SchemaTable> {
  return loaded ??= (await import("./buildSchemaTable.ts")).buildSchemaTable();
}

/**
 * The table once loaded (always, in the binary); a TypeError before `loadSchemaTable()`.
 *
 * @example
 * await loadSchemaTable();
 * schemaTable().defaults.port; // 8000
 */
export function schemaTable(): SchemaTable {
  if (!loaded) throw new TypeError("schemaTable() before loadSchemaTable(): await loadSchemaTable() first");
  return loaded;
}
