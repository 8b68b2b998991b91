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
import { envName, envOverrides, unknownEnvKeys } from "../src/config/envOverrides.ts";
import { leaves } from "../src/config/schemaWalk.ts";

function configError(text: string, file = "scx.yaml", env: Record<string, string> = {}): ConfigError {
  try {
    parseConfig(text, file, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("parseConfig() accepted a bad config");
}
const problems = (text: string, file?: string, env?: Record<string, string>) => configError(text, file, env).message.split("\n");

describe("parseConfig()", () => {
  test("parseConfig() fills every default from the schema for an empty file", () => {
    const config = parseConfig("", "scx.yaml", {});
    expect(config).toEqual(configSchema.parse({}));
    expect([config.port, config.path, config.protocolVersion, config.auth.defaultExpiry]).toEqual([8000, "/socketcluster/", 2, 86400]);
  });

  test("parseConfig() reads YAML and JSON alike", () => {
    const yaml = parseConfig("port: 9001\nauth:\n  key: k\norigins: [a.com:*]\n", "scx.yaml", {});
    expect([yaml.port, yaml.auth.key, yaml.origins, yaml.host]).toEqual([9001, "k", ["a.com:*"], "0.0.0.0"]);
    const json = parseConfig('{"port": 9002, "auth": {"key": "k"}}', "scx.json", {});
    expect([json.port, json.auth.key, json.logLevel]).toEqual([9002, "k", "info"]);
  });

  test("parseConfig() reports an unknown key with a suggestion", () => {
    expect(problems("port: 1\nprot: 2\n")).toEqual(['scx.yaml:2:1: prot: unknown key; did you mean "port"?']);
    expect(problems("auth:\n  algoritm: HS256\n")).toEqual(['scx.yaml:2:3: auth.algoritm: unknown key; did you mean "algorithm"?']);
    expect(problems("auth:\n  verifyKeys:\n    - kid: a\n      kye: b\n")).toEqual(['scx.yaml:4:7: auth.verifyKeys[0].kye: unknown key; did you mean "key"?']);
    expect(problems("zzzzzz: 1\n")).toEqual(["scx.yaml:1:1: zzzzzz: unknown key"]);
  });

  test("parseConfig() reports a wrong value at its line and column with what was expected and found", () => {
    const text = "host: x\nauth:\n  key: k\n  defaultExpiry: 0\npingInterval: fast\nport: 70000\nlogLevel: loud\n" +
      "protocolVersion: 3\npath: ws\nallowClientPublish: yes\nsocketChannelLimit: -1\ncluster:\n  urls: [http://r]\n";
    expect(problems(text)).toEqual([
      "scx.yaml:4:18: auth.defaultExpiry: expected a positive integer, found 0",
      'scx.yaml:5:15: pingInterval: expected a positive integer, found "fast"',
      "scx.yaml:6:7: port: expected an integer from 0 to 65535, found 70000",
      'scx.yaml:7:11: logLevel: expected one of "debug", "info", "warn", "error", "silent", found "loud"',
      "scx.yaml:8:18: protocolVersion: expected 1 or 2, found 3",
      'scx.yaml:9:7: path: expected a string starting with "/", found "ws"',
      'scx.yaml:10:21: allowClientPublish: expected true or false, found "yes"',
      "scx.yaml:11:21: socketChannelLimit: expected a positive integer or null, found -1",
      'scx.yaml:13:10: cluster.urls[0]: expected a redis:// or rediss:// URL, found "http://r"',
    ]);
  });

  test("parseConfig() names a string's minimum length (api.key) instead of calling a short string not a string", () => {
    expect(problems("api:\n  key: too-short\n")).toEqual(['scx.yaml:2:8: api.key: expected a string of at least 16 characters, found "too-short"']);
  });

  test("parseConfig() reports a missing key at the nearest place the file holds", () => {
    expect(problems("port: 1\ntls:\n  certFile: a.pem\n")).toEqual(["scx.yaml:2:1: tls.keyFile: expected a string, found nothing"]);
    expect(problems("auth:\n  verifyKeys:\n    - key: b\n")).toEqual(["scx.yaml:3:7: auth.verifyKeys[0].kid: expected a string, found nothing"]);
  });

  test("parseConfig() reports a file that is not a mapping", () => {
    expect(problems("- port\n")).toEqual(['scx.yaml:1:1: expected a mapping of keys, found ["port"]']);
  });

  test("parseConfig() reports YAML syntax errors at the parser's line and column", () => {
    expect(problems("port: 1\nport: 2\n")).toEqual(["scx.yaml:2:1: invalid YAML: Map keys must be unique"]);
    expect(problems("host: x\n\tport: 1\n")[0]).toStartWith("scx.yaml:2:1: invalid YAML: ");
  });

  test("parseConfig() reports JSON syntax errors at their line and column", () => {
    expect(problems('{\n  "port": \n}', "scx.json")).toEqual(['scx.json:3:1: invalid JSON: expected a value, found "}"']);
    expect(problems('{"port": 1,}', "scx.json")).toEqual(['scx.json:1:12: invalid JSON: expected a quoted key, found "}"']);
    expect(problems('{\n  "port": 1\n  "host": "x"\n}', "scx.json")).toEqual(['scx.json:3:3: invalid JSON: expected "," or "}", found "\\""']);
    expect(problems('{"port": 1', "scx.json")).toEqual(['scx.json:1:11: invalid JSON: expected "," or "}", found the end of the file']);
    expect(problems('{"port": 1, "port": 2}', "scx.json")).toEqual(["scx.json:1:13: invalid JSON: Map keys must be unique"]);
  });

  test("parseConfig() reports validation problems in a JSON file at their line and column", () => {
    expect(problems('{\n  "prot": 1,\n  "auth": { "defaultExpiry": "1h" }\n}', "scx.json")).toEqual([
      'scx.json:2:3: prot: unknown key; did you mean "port"?',
      'scx.json:3:30: auth.defaultExpiry: expected a positive integer, found "1h"',
    ]);
  });

  test("parseConfig() throws one ConfigError holding every problem, the first in its fields", () => {
    const error = configError("logLevel: loud\nprot: 1\n");
    expect(error.name).toBe("ConfigError");
    expect(error.problems).toHaveLength(2);
    expect({ ...error }).toMatchObject({ file: "scx.yaml", line: 1, column: 11, path: ["logLevel"], found: '"loud"' });
    expect(error.problems[1]).toMatchObject({ line: 2, column: 1, path: ["prot"], kind: "unknownKey", suggestion: "port" });
  });

  test("parseConfig() applies SCX_ environment overrides over the file, coerced by type", () => {
    const config = parseConfig("port: 1\nauth:\n  key: file\n", "scx.yaml", {
      SCX_PORT: "9000", SCX_ALLOW_CLIENT_PUBLISH: "false", SCX_AUTH__KEY: "123", SCX_AUTH__DEFAULT_EXPIRY: "60",
      SCX_SOCKET_CHANNEL_LIMIT: "null", SCX_PROTOCOL_VERSION: "1", SCX_LOG_LEVEL: "debug",
      SCX_CLUSTER__URLS: '["redis://a:1","redis://b:2"]', SCX_ORIGINS: "a.com:*",
    });
    expect(config).toMatchObject({ port: 9000, allowClientPublish: false, socketChannelLimit: null, protocolVersion: 1, logLevel: "debug", origins: "a.com:*" });
    expect(config.auth).toMatchObject({ key: "123", defaultExpiry: 60 });
    expect(config.cluster.urls).toEqual(["redis://a:1", "redis://b:2"]);
  });

  test("parseConfig() names the environment variable when an override is bad", () => {
    expect(problems("port: 1\nbogus: 2\n", "scx.yaml", { SCX_PORT: "abc", SCX_ALLOW_CLIENT_PUBLISH: "yes" })).toEqual([
      "scx.yaml:2:1: bogus: unknown key",
      'scx.yaml: port: expected an integer from 0 to 65535, found "abc" in SCX_PORT',
      'scx.yaml: allowClientPublish: expected true or false, found "yes" in SCX_ALLOW_CLIENT_PUBLISH',
    ]);
    const error = configError("", "scx.yaml", { SCX_AUTH__VERIFY_KEYS: '[{"kid":"a","kye":"b"}]' });
    expect(error.message).toBe('scx.yaml: auth.verifyKeys[0].kye: unknown key in SCX_AUTH__VERIFY_KEYS; did you mean "key"?');
    expect({ ...error }).toMatchObject({ line: 0, column: 0, env: "SCX_AUTH__VERIFY_KEYS", suggestion: "key" });
  });
});

describe("environment variables", () => {
  test("envOverrides() names every key from the schema, nested ones with a double underscore", () => {
    const names = leaves().map((leaf) => envName(leaf.path));
    expect(names).toContain("SCX_PROTOCOL_VERSION");
    expect(names).toContain("SCX_SOCKET_CHANNEL_LIMIT");
    expect(names).toContain("SCX_AUTH__DEFAULT_EXPIRY");
    expect(envOverrides(Object.fromEntries(names.map((name) => [name, "x"]))).map((o) => o.name)).toEqual(names);
    expect(envOverrides({ SCX_AUTH__DEFAULT_EXPIRY: "60" })).toEqual([{ name: "SCX_AUTH__DEFAULT_EXPIRY", path: ["auth", "defaultExpiry"], value: 60 }]);
  });

  test("unknownEnvKeys() lists SCX_ variables that name no key", () => {
    expect(unknownEnvKeys({ SCX_PORT: "1", SCX_PROT: "2", SCX_AUTH: "x", HOME: "/" })).toEqual(["SCX_AUTH", "SCX_PROT"]);
  });
});

describe("generated documents", () => {
  test("configJsonSchema() describes every top-level key with its default", () => {
    const schema = configJsonSchema() as { title: string; properties: Record<string, { default?: unknown }> };
    expect(schema.title).toBe("scx config");
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(configSchema.shape).sort());
    expect(schema.properties.port.default).toBe(8000);
  });

  test("configReference() has one row per key, with its env variable, and one per field of list entries, the same every time", () => {
    const table = configReference();
    const keys = table.split("\n").slice(2).map((row) => row.split("`")[1]);
    expect(keys.filter((key) => !key!.includes("[]"))).toEqual(leaves().map((leaf) => leaf.path.join(".")));
    expect(keys).toContain("channels[].history.size");
    expect(table).toContain("| `channels[].conflate` | integer | – | – |");
    expect(table).toContain("| `auth.defaultExpiry` | integer | `86400` | `SCX_AUTH__DEFAULT_EXPIRY` |");
    expect(configReference()).toBe(table);
  });

  test("README.md's config reference is the one the schema generates", async () => {
    const readme = Bun.file(new URL("../README.md", import.meta.url));
    expect(await readme.exists(), "README.md is missing: it must hold the config reference").toBe(true);
    const section = (await readme.text()).match(/<!-- config-reference:start -->\n([\s\S]*?)\n<!-- config-reference:end -->/)?.[1];
    expect(section, "README.md's config reference is stale or missing: run `bun cli.ts config reference --write`").toBe(configReference());
  });
});
