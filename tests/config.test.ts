/**
 * The config: YAML and JSON, defaults, precise errors (file, line, column, key path,
 * expected, found, nearest key), environment overrides, JSON Schema, the README reference.
 */
import { describe, expect, test } from "bun:test";
import { parseConfig } from "../src/config/parseConfig.ts";
import { ConfigError } from "../src/config/ConfigError.ts";
import { configJsonSchema } from "../src/config/jsonSchema.ts";
import { configReference } from "../src/config/reference.ts";
import { configSchema } from "../src/config/schema.ts";
import { unknownEnvKeys } from "../src/config/envOverrides.ts";

function problems(text: string, env: Record<string, string> = {}, file = "scx.yaml") {
  try {
    parseConfig(text, file, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split("\n");
  }
  throw new Error("parseConfig() accepted a bad config");
}

describe("parseConfig()", () => {
  test("parseConfig() fills every default from the schema for an empty file", () => {
    const config = parseConfig("", "scx.yaml", {});
    expect(config).toEqual(configSchema.parse({}));
    expect(config.port).toBe(8000);
    expect(config.path).toBe("/socketcluster/");
    expect(config.protocolVersion).toBe(2);
  });

  test("parseConfig() reads YAML and JSON alike", () => {
    expect(parseConfig("port: 9001\nauth:\n  key: k\n", "scx.yaml", {}).port).toBe(9001);
    const json = parseConfig('{"port": 9002, "auth": {"key": "k"}}', "scx.json", {});
    expect([json.port, json.auth.key]).toEqual([9002, "k"]);
  });

  test("parseConfig() reports an unknown key with a suggestion, at its line and column", () => {
    expect(problems("port: 1\nprot: 2\n")).toEqual(['scx.yaml:2:1: prot: unknown key; did you mean "port"?']);
    expect(problems("auth:\n  algoritm: HS256\n")).toEqual(['scx.yaml:2:3: auth.algoritm: unknown key; did you mean "algorithm"?']);
    expect(problems("zzzzzz: 1\n")).toEqual(["scx.yaml:1:1: zzzzzz: unknown key"]);
  });

  test("parseConfig() reports a wrong type with what was expected and found", () => {
    expect(problems("pingInterval: fast\n")).toEqual(['scx.yaml:1:15: pingInterval: expected a number, found "fast"']);
    expect(problems("logLevel: loud\n")[0]).toBe('scx.yaml:1:11: logLevel: expected one of "debug", "info", "warn", "error", "silent", found "loud"');
    expect(problems("port: 70000\n")[0]).toBe("scx.yaml:1:7: port: expected a number ≤ 65535, found 70000");
  });

  test("parseConfig() reports every problem at once, in file order", () => {
    const lines = problems("logLevel: loud\nport: x\nbogus: 1\n");
    expect(lines.map((line) => line.split(":").slice(0, 3).join(":"))).toEqual(["scx.yaml:1:11", "scx.yaml:2:7", "scx.yaml:3:1"]);
  });

  test("parseConfig() reports YAML syntax errors with their position", () => {
    const [line] = problems("port: [1\n");
    expect(line).toMatch(/^scx\.yaml:\d+:\d+: expected valid YAML or JSON, found /);
    expect(problems("{\"port\": }", {}, "scx.json")[0]).toMatch(/^scx\.json:\d+:\d+: expected valid JSON, found /);
  });

  test("parseConfig() applies SCX_ environment overrides over the file, coerced by type", () => {
    const config = parseConfig("port: 1\n", "scx.yaml", {
      SCX_PORT: "9000", SCX_ALLOW_CLIENT_PUBLISH: "false", SCX_AUTH__KEY: "secret", SCX_SOCKET_CHANNEL_LIMIT: "null",
      SCX_CLUSTER__URLS: '["redis://a:1","redis://b:2"]', SCX_LOG_LEVEL: "debug",
    });
    expect(config.port).toBe(9000);
    expect(config.allowClientPublish).toBe(false);
    expect(config.auth.key).toBe("secret");
    expect(config.socketChannelLimit).toBeNull();
    expect(config.cluster.urls).toEqual(["redis://a:1", "redis://b:2"]);
    expect(config.logLevel).toBe("debug");
  });

  test("parseConfig() names the environment variable when an override is bad", () => {
    expect(problems("", { SCX_PORT: "abc" })).toEqual(['SCX_PORT (environment): port: expected a number, found "abc"']);
  });

  test("unknownEnvKeys() lists SCX_ variables that name no key", () => {
    expect(unknownEnvKeys({ SCX_PORT: "1", SCX_PROT: "2", HOME: "/" })).toEqual(["SCX_PROT"]);
  });
});

describe("generated documents", () => {
  test("configJsonSchema() describes every top-level key with its default", () => {
    const schema = configJsonSchema() as { properties: Record<string, { default?: unknown }> };
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(configSchema.shape).sort());
    expect(schema.properties.port.default).toBe(8000);
  });

  test("README.md's config reference is the one the schema generates", async () => {
    const readme = await Bun.file(new URL("../README.md", import.meta.url)).text();
    const section = readme.match(/<!-- config-reference:start -->\n([\s\S]*?)\n<!-- config-reference:end -->/)?.[1];
    expect(section, "README.md's config reference is stale: run `bun cli.ts config reference --write`").toBe(configReference());
  });
});
