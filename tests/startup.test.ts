/**
 * The start-up path's config without zod (src/config/schemaTable.ts, quickConfig.ts): for
 * every leaf and many values, the quick path either steps aside (null) or gives exactly
 * what the zod schema gives, key order included; environment variables and flags coerce
 * as before. Timings live in bench/startup.ts, never here.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { configSchema } from "../src/config/schema.ts";
import { loadSchemaTable, type SchemaTable, schemaTable } from "../src/config/schemaTable.ts";
import { quickConfig, tableFlag, tableOverrides } from "../src/config/quickConfig.ts";
import { envOverrides } from "../src/config/envOverrides.ts";
import { configFlag } from "../src/config/configFlags.ts";
import { leaves } from "../src/config/schemaWalk.ts";

let table: SchemaTable;
beforeAll(async () => { table = await loadSchemaTable(); });

const samples: unknown[] = [
  null, true, false, 0, -1, 1, 1.5, 2, 7, 8, 16, 100, 65535, 65536, Number.MAX_SAFE_INTEGER + 2, Infinity, NaN,
  "", "x", "/", "/x/", "x/", "debug", "json", "msgpack", "redis", "disconnect", "HS256", "RS256", "memory", "redis://a:1",
  "http://a", "0123456789abcdef", "short", [], ["a"], ["redis://a:1", "redis://b:2"], ["redis://a", "http://b"], [1], {}, { a: 1 },
];

function setIn(target: Record<string, unknown>, path: string[], value: unknown) {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path.at(-1)!] = value;
}

describe("quickConfig()", () => {
  test("quickConfig() gives the defaults for no file, exactly as configSchema.parse({}) does", () => {
    expect(JSON.stringify(quickConfig(table, {}, []))).toBe(JSON.stringify(configSchema.parse({})));
  });

  test("quickConfig() agrees with the zod schema for every leaf and sample value, or steps aside", () => {
    let quick = 0;
    for (const leaf of table.leaves) {
      for (const value of samples) {
        const data: Record<string, unknown> = {};
        setIn(data, leaf.path, value);
        const fast = quickConfig(table, data, []);
        const slow = configSchema.safeParse(data);
        if (fast === null) continue;
        quick++;
        expect(slow.success, `${leaf.path.join(".")} = ${JSON.stringify(value)}: zod refuses what the quick path took`).toBe(true);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
      }
    }
    // Most scalar leaves take the quick path for their valid values.
    expect(quick).toBeGreaterThan(table.leaves.length);
  });

  test("quickConfig() merges several keys and overrides (an override wins over the file) like the schema", () => {
    const data = { port: 9000, logLevel: "debug", auth: { key: "secret" }, cluster: { prefix: "app:" } };
    const overrides = tableOverrides(table, { SCX_PORT: "9100", SCX_LIMITS__OUTBOUND_BUFFER: "4096" });
    const fast = quickConfig(table, data, overrides)!;
    const slow = configSchema.parse({ ...data, port: 9100, limits: { outboundBuffer: 4096 } });
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
  });

  test("quickConfig() steps aside for unknown keys, lists of objects, null sections and invalid values", () => {
    for (const data of [{ prot: 1 }, { channels: [{ match: "a/*" }] }, { auth: null }, { tls: { certFile: "a", keyFile: "b" } },
      { port: -1 }, { path: "no-slash" }, { api: { key: "short" } }, { pusher: { apps: [] } }, "text", [1]]) {
      expect(quickConfig(table, data, [])).toBeNull();
    }
  });
});

describe("schemaTable", () => {
  test("tableOverrides() and tableFlag() coerce as envOverrides() and configFlag() do, for every leaf", () => {
    const env = Object.fromEntries(leaves().map((leaf, i) => [table.leaves[i]!.env, ["9000", "true", "null", "a,b", "[1]", "x"][i % 6]!]));
    expect(tableOverrides(table, env)).toEqual(envOverrides(env));
    for (const leaf of table.leaves) {
      for (const raw of ["9000", "true", "null", "a,b", "x"]) expect(tableFlag(table, leaf.flag, raw)).toEqual(configFlag(leaf.flag, raw));
    }
    expect(tableFlag(table, "--nope", "1")).toBeUndefined();
  });

  test("schemaTable() returns the loaded table, with the schema's defaults and every leaf", () => {
    expect(schemaTable()).toBe(table);
    expect(table.defaults).toEqual(configSchema.parse({}));
    expect(table.leaves.map((leaf) => leaf.path.join("."))).toEqual(leaves().map((leaf) => leaf.path.join(".")));
  });
});
