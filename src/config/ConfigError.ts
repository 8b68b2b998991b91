/**
 * A config problem an operator must fix: where it is (file, line, column, key path), what
 * was expected and what was found. Several problems travel together in one error.
 *
 * @example
 * throw new ConfigError([{ file: "scx.yaml", line: 2, column: 1, path: ["prot"], expected: "a known key", found: "prot", suggestion: "port" }]);
 */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  path: (string | number)[];
  expected: string;
  found: string;
  suggestion?: string;
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  const key = problem.path.length ? `${problem.path.join(".")}: ` : "";
  if (problem.expected === "a known key") {
    const hint = problem.suggestion ? `; did you mean "${problem.suggestion}"?` : "";
    return `${where}: ${key}unknown key${hint}`;
  }
  return `${where}: ${key}expected ${problem.expected}, found ${problem.found}`;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.problems = problems;
  }

  /** The first problem's fields, for callers that handle one. */
  get file(): string { return this.problems[0]?.file ?? ""; }
  get line(): number { return this.problems[0]?.line ?? 0; }
  get column(): number { return this.problems[0]?.column ?? 0; }
  get path(): (string | number)[] { return this.problems[0]?.path ?? []; }
}
