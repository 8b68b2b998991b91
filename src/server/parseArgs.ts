/**
 * Parse one command's arguments: its own options (`--sub alice`, `--sub=alice`, repeatable
 * `--claim`), the config flags generated from the schema (`--port 9000`), and positionals.
 * An unknown flag is a UsageError naming the nearest known one. `--` ends the flags.
 * With `config`, the schema table must be loaded (`await loadSchemaTable()`): no zod here.
 *
 * @example
 * parseArgs("token", ["--sub", "alice", "scx.yaml"], { options: { sub: "value" } });
 * // { positionals: ["scx.yaml"], options: { sub: ["alice"] }, flags: [] }
 */
import type { EnvOverride } from "../config/envOverrides.ts";
import { schemaTable } from "../config/schemaTable.ts";
import { tableFlag } from "../config/quickConfig.ts";
import { nearestKey } from "../config/nearestKey.ts";
import { UsageError } from "./UsageError.ts";

/** "value": takes a value; "switch": stands alone (true). */
export type OptionKind = "value" | "switch";

export interface ArgSpec {
  options?: Record<string, OptionKind>;
  /** Accept the schema's config flags (`--port`, `--log-level`, ...). */
  config?: boolean;
  /** Most positionals accepted (default: any). */
  maxPositionals?: number;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string[]>;
  /** Config flags as overrides, in command-line order (the last one wins). */
  flags: EnvOverride[];
}

export function parseArgs(command: string, args: readonly string[], spec: ArgSpec): ParsedArgs {
  const own = spec.options ?? {};
  const table = spec.config ? schemaTable() : null;
  const generated = table?.leaves ?? [];
  const out: ParsedArgs = { positionals: [], options: {}, flags: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      out.positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = equals > 0 ? arg.slice(0, equals) : arg;
    const inline = equals > 0 ? arg.slice(equals + 1) : undefined;
    const kind = own[name.replace(/^--?/, "")];
    const flag = generated.find((candidate) => candidate.flag === name);
    if (kind === "switch" || (flag?.boolean && inline === undefined && !/^(true|false)$/.test(args[i + 1] ?? ""))) {
      if (inline !== undefined && kind === "switch") throw new UsageError(`scx ${command}: ${name} takes no value`);
      if (kind === "switch") (out.options[name.replace(/^--?/, "")] ??= []).push("true");
      else out.flags.push(tableFlag(table!, name, "true")!);
      continue;
    }
    if (kind === undefined && !flag) {
      const known = [...Object.keys(own).map((key) => `--${key}`), ...generated.map((candidate) => candidate.flag)];
      const near = nearestKey(name, known);
      const hint = near ? `; did you mean ${near}?` : "";
      throw new UsageError(`scx ${command}: unknown flag ${name}${hint} (scx ${command} --help lists them)`);
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`scx ${command}: ${name} needs a value`);
    if (kind) (out.options[name.replace(/^--?/, "")] ??= []).push(value);
    else out.flags.push(tableFlag(table!, name, value)!);
  }
  if (spec.maxPositionals !== undefined && out.positionals.length > spec.maxPositionals) {
    const extra = out.positionals[spec.maxPositionals];
    throw new UsageError(`scx ${command}: unexpected argument "${extra}" (scx ${command} --help shows the usage)`);
  }
  return out;
}
