/**
 * Parse a YAML or JSON config (JSON when the name ends in .json), apply environment
 * overrides and validate it against the schema. Every problem comes back at once in one
 * ConfigError, each with file, 1-based line and column, key path, what was expected and
 * what was found, and the nearest valid key for a typo.
 *
 * @example
 * const config = parseConfig("port: 9000\n", "scx.yaml", { SCX_LOG_LEVEL: "debug" });
 */
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { type Config, configSchema } from "./schema.ts";
import { type ConfigProblem, ConfigError } from "./ConfigError.ts";
import { type EnvOverride, envOverrides } from "./envOverrides.ts";
import { keysAt, schemaAt } from "./schemaWalk.ts";
import { nearestKey } from "./nearestKey.ts";
import { describeExpected } from "./describeExpected.ts";
import { jsonSyntaxError } from "./jsonSyntaxError.ts";

type Key = string | number;
type Position = { line: number; column: number };

/** `flags` (command-line overrides, see configFlags.ts) apply after the environment and win over it. */
export function parseConfig(text: string, file: string, env: Record<string, string | undefined>, flags: EnvOverride[] = []): Config {
  const lines = new LineCounter();
  const at = (offset: number | undefined): Position => {
    if (offset === undefined) return { line: 1, column: 1 };
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const syntax = (offset: number | undefined, expected: string, found: string): ConfigProblem =>
    ({ file, ...at(offset), path: [], kind: "syntax", expected, found });

  // JSON first for .json files: YAML would read some broken JSON (`{"port": }`) as valid.
  const json = file.endsWith(".json");
  const jsonError = json ? jsonSyntaxError(text) : undefined;
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (jsonError) throw new ConfigError([syntax(jsonError.offset, jsonError.expected, jsonError.found)]);
  if (doc.errors.length) {
    throw new ConfigError(doc.errors.map((error) => syntax(error.pos[0], json ? "valid JSON" : "valid YAML", parserMessage(error.message))));
  }
  if (json) {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new ConfigError([syntax(undefined, "valid JSON", parserMessage((error as Error).message))]);
    }
  }

  const data = doc.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError([{ file, ...at(startOf(doc.contents)), path: [], expected: "a mapping of keys", found: describeFound(data) }]);
  }
  const overrides = [...envOverrides(env), ...flags];
  for (const override of overrides) setIn(data, override.path, override.value);
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;

  // A problem inside a value that came from the environment names the variable instead.
  const place = (path: Key[], atKey: boolean, found: string) => {
    const fromEnv = overrides.findLast((override) => override.path.every((part, index) => String(path[index]) === part));
    return fromEnv ? { line: 0, column: 0, found, env: fromEnv.name } : { ...at(locate(doc, path, atKey)), found };
  };
  const problems: ConfigProblem[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path as Key[];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({ file, path: [...path, key].map(String), kind: "unknownKey", expected: "a known key",
          ...place([...path, key], true, JSON.stringify(key)), suggestion: nearestKey(key, keysAt(path)) });
      }
      continue;
    }
    problems.push({ file, path: path.map(String), expected: describeExpected(issue, schemaAt(path)),
      ...place(path, false, describeFound(getIn(data, path))) });
  }
  // File order; problems from the environment (line 0) last.
  throw new ConfigError(problems.sort((a, b) => (a.line || Infinity) - (b.line || Infinity) || a.column - b.column));
}

/**
 * The offset to point at for a key path: the value (or, with `atKey`, the key), else the
 * deepest ancestor the file holds (its key, or the list item); undefined when none (1:1).
 */
function locate(doc: Document, path: Key[], atKey: boolean): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    const key = path[depth - 1];
    let start: number | undefined;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === key);
      start = depth === path.length && !atKey ? startOf(pair?.value) ?? startOf(pair?.key) : startOf(pair?.key);
    } else if (isSeq(parent)) {
      start = startOf(parent.items[Number(key)]);
    }
    if (start !== undefined) return start;
  }
  return undefined;
}

function startOf(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null | undefined)?.range?.[0];
}

function parserMessage(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/^JSON Parse error: /, "").replace(/\.$/, "");
}

function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function getIn(data: unknown, path: Key[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<Key, unknown> | undefined)?.[key], data);
}

function setIn(data: Record<string, unknown>, path: string[], value: unknown): void {
  let target = data;
  for (const key of path.slice(0, -1)) {
    if (typeof target[key] !== "object" || target[key] === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[path[path.length - 1]!] = value;
}
