/**
 * One config problem an operator must fix: where it is (file, line, column, key path),
 * what was expected and what was found, and for a mistyped key the nearest valid one.
 *
 * @example
 * const problem: ConfigProblem = { file: "scx.yaml", line: 2, column: 1, path: ["prot"], kind: "unknownKey", expected: "a known key", found: '"prot"', suggestion: "port" };
 */
export interface ConfigProblem {
  file: string;
  /** 1-based; 0 when the problem is not inside the file (an environment variable, a missing file). */
  line: number;
  /** 1-based; 0 with line 0. */
  column: number;
  /** Key path from the top of the config; array indices as digits (`["auth", "verifyKeys", "0", "kid"]`). */
  path: string[];
  /** "syntax": the file does not parse; "unknownKey": a key the schema lacks; "value" (the default): a rejected value. */
  kind?: "syntax" | "unknownKey" | "value";
  expected: string;
  found: string;
  /** The environment variable the value came from (then line and column are 0). */
  env?: string;
  suggestion?: string;
}

/**
 * One problem as one line: `file:line:column: key.path: expected X, found Y`, or
 * `file: key.path: expected X, found Y in SCX_KEY` for a value from the environment.
 *
 * @example
 * formatProblem({ file: "scx.yaml", line: 4, column: 3, path: ["pingInterval"], expected: "a positive integer", found: '"fast"' });
 * // 'scx.yaml:4:3: pingInterval: expected a positive integer, found "fast"'
 */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  const key = problem.path.length ? `${formatPath(problem.path)}: ` : "";
  const source = problem.env ? ` in ${problem.env}` : "";
  if (problem.kind === "unknownKey") {
    const hint = problem.suggestion ? `; did you mean "${problem.suggestion}"?` : "";
    return `${where}: ${key}unknown key${source}${hint}`;
  }
  if (problem.kind === "syntax") {
    // A parser's own message comes as expected "valid YAML", found "<message>".
    const language = problem.file.endsWith(".json") ? "JSON" : "YAML";
    const detail = problem.expected === `valid ${language}` ? problem.found : `expected ${problem.expected}, found ${problem.found}`;
    return `${where}: invalid ${language}: ${detail}`;
  }
  return `${where}: ${key}expected ${problem.expected}, found ${problem.found}${source}`;
}

/**
 * A key path as written in messages: `auth.verifyKeys[0].kid`.
 *
 * @example
 * formatPath(["auth", "verifyKeys", "0", "kid"]); // "auth.verifyKeys[0].kid"
 */
export function formatPath(path: readonly string[]): string {
  return path.map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index ? `.${part}` : part)).join("");
}

/**
 * A config that cannot be used. The message holds every problem, one per line; the
 * fields repeat the first problem's, and `problems` holds them all.
 *
 * @example
 * try {
 *   parseConfig("prot: 1\n", "scx.yaml", {});
 * } catch (error) {
 *   if (error instanceof ConfigError) console.error(error.message); // scx.yaml:1:1: prot: unknown key; did you mean "port"?
 * }
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: readonly ConfigProblem[];
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string[];
  readonly expected: string;
  readonly found: string;
  readonly env?: string;
  readonly suggestion?: string;

  constructor(problems: ConfigProblem[]) {
    if (problems.length === 0) throw new RangeError("ConfigError needs at least one problem");
    super(problems.map(formatProblem).join("\n"));
    this.problems = problems;
    const first = problems[0]!;
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.path = first.path;
    this.expected = first.expected;
    this.found = first.found;
    if (first.env !== undefined) this.env = first.env;
    if (first.suggestion !== undefined) this.suggestion = first.suggestion;
  }
}
