/**
 * Parse a YAML or JSON config, apply environment overrides and validate it against the
 * schema. Every problem comes back at once, each with file, line, column and key path,
 * what was expected and what was found, and the nearest key for a typo.
 *
 * @example
 * const config = parseConfig("port: 9000\n", "scx.yaml", process.env);
 */
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { type Config, configSchema } from "./schema.ts";
import { type ConfigProblem, ConfigError } from "./ConfigError.ts";
import { envOverrides } from "./envOverrides.ts";
import { keysAt } from "./schemaWalk.ts";
import { nearestKey } from "./nearestKey.ts";

type Path = (string | number)[];

export function parseConfig(text: string, file: string, env: Record<string, string | undefined>): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { line: 1, column: 1 };
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length) {
    throw new ConfigError(doc.errors.map((error) => ({
      file, ...at(error.pos[0]), path: [], expected: "valid YAML or JSON", found: error.message.split("\n")[0],
    })));
  }
  if (file.endsWith(".json")) {
    // YAML would accept some broken JSON (a missing value reads as null): be strict.
    try {
      JSON.parse(text);
    } catch (error) {
      const position = Number((error as Error).message.match(/position (\d+)/)?.[1]);
      throw new ConfigError([{ file, ...at(Number.isFinite(position) ? position : undefined), path: [],
        expected: "valid JSON", found: (error as Error).message }]);
    }
  }
  const data = doc.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError([{ file, line: 1, column: 1, path: [], expected: "a mapping of keys", found: JSON.stringify(data) }]);
  }
  const fromEnv = new Map<string, string>();
  for (const override of envOverrides(env)) {
    setIn(data, override.path, override.value);
    fromEnv.set(override.path.join("."), override.name);
  }
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;

  const nodeRange = (path: Path, key?: string) => {
    const parent = doc.getIn(path, true);
    if (key !== undefined && isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
      return (pair?.key as { range?: [number] } | undefined)?.range?.[0];
    }
    return (parent as { range?: [number] } | undefined)?.range?.[0];
  };
  const problems: ConfigProblem[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path as Path;
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({ file, ...at(nodeRange(path, key)), path: [...path, key], expected: "a known key", found: key,
          suggestion: nearestKey(key, keysAt(path)) });
      }
      continue;
    }
    const envName = fromEnv.get(path.join("."));
    const found = describeFound(getIn(data, path));
    if (envName) {
      problems.push({ file: `${envName} (environment)`, line: 0, column: 0, path, expected: expected(issue), found });
    } else {
      problems.push({ file, ...at(nodeRange(path)), path, expected: expected(issue), found });
    }
  }
  throw new ConfigError(problems.sort((a, b) => a.line - b.line || a.column - b.column));
}

function expected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "int" ? "an integer" : `${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
    case "too_small":
      return `${issue.origin === "string" ? "a string of length" : "a number"} ${issue.inclusive ? "≥" : ">"} ${issue.minimum}`;
    case "too_big":
      return `${issue.origin === "string" ? "a string of length" : "a number"} ${issue.inclusive ? "≤" : "<"} ${issue.maximum}`;
    case "invalid_value":
      return `one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "invalid_union":
      return "one of the allowed forms (see scx config schema)";
    default:
      return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  }
}

function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function getIn(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown> | undefined)?.[key], data);
}

function setIn(data: Record<string, unknown>, path: string[], value: unknown): void {
  let target = data;
  for (const key of path.slice(0, -1)) {
    if (typeof target[key] !== "object" || target[key] === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[path[path.length - 1]] = value;
}
