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
import { buildSchemaTable } from "../src/config/buildSchemaTable.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

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

describe("the baked schema table (as scripts/build.ts gives the binary)", () => {
  const root = new URL("..", import.meta.url).pathname;
  const dir = mkdtempSync(`${tmpdir()}/scx-startup-`);
  const define = `globalThis.SCX_SCHEMA_TABLE=${JSON.stringify(buildSchemaTable())}`;
  writeFileSync(`${dir}/good.yaml`, "port: 9000\nlogLevel: debug\nauth:\n  key: s3cret\n");
  writeFileSync(`${dir}/bad.yaml`, "port: 9000\nlogLevel: loud\n");
  writeFileSync(`${dir}/modules.ts`, `
    import { loadConfigFile } from "${root}src/server/loadConfigFile.ts";
    import { bunRuntime } from "${root}src/runtime/bun.ts";
    const { config } = await loadConfigFile(bunRuntime, process.argv[2], "${dir}", []);
    const zod = Object.keys(require.cache).filter((key) => key.includes("/node_modules/zod/")).length;
    console.log(JSON.stringify({ port: config.port, logLevel: config.logLevel, zod }));
  `);
  const run = (args: string[], env: Record<string, string> = {}) => {
    const proc = Bun.spawnSync([process.execPath, "--define", define, ...args], { cwd: dir, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
    return { code: proc.exitCode, out: proc.stdout.toString(), err: proc.stderr.toString() };
  };

  test("loadConfigFile() builds a plain config without loading zod, and with it when the table is not baked in", () => {
    expect(JSON.parse(run([`${dir}/modules.ts`, "good.yaml"]).out)).toEqual({ port: 9000, logLevel: "debug", zod: 0 });
    const unbaked = Bun.spawnSync([process.execPath, `${dir}/modules.ts`, "good.yaml"], { cwd: dir, stdout: "pipe" });
    expect(JSON.parse(unbaked.stdout.toString()).zod).toBeGreaterThan(0);
  });

  test("scx check with the baked table still names file, line and column of a bad value, and the variable of a bad override", () => {
    expect(run([`${root}cli.ts`, "check", "good.yaml"])).toMatchObject({ code: 0, out: `${dir}/good.yaml: valid\n` });
    const bad = run([`${root}cli.ts`, "check", "bad.yaml"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('bad.yaml:2:11: logLevel: expected one of "debug", "info", "warn", "error", "silent", found "loud"');
    const env = run([`${root}cli.ts`, "check", "good.yaml"], { SCX_PORT: "eighty" });
    expect(env.code).toBe(2);
    expect(env.err).toContain("SCX_PORT");
  });
});

