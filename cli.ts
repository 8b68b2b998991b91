#!/usr/bin/env bun
/**
 * The scx command line: `scx serve`, `scx check`, `scx config`, `scx token`, `scx create`,
 * `scx healthcheck`, `--version`, `--help` (and `<command> --help`).
 * Exit codes: 0 fine, 1 runtime failure (or an invalid token for `scx token verify`),
 * 2 usage, config or operator error (bad flag, missing file, port in use): one line, no stack.
 * Start-up: only what the command and its config use is loaded (see README, Benchmarks).
 */
import { currentRuntime } from "./src/runtime/current.ts";
import { loadSchemaTable } from "./src/config/schemaTable.ts";
import { UsageError } from "./src/server/UsageError.ts";
import { startSpareThread } from "./src/threads/spareThread.ts";
import packageJson from "./package.json" with { type: "json" };

// Each command's code loads when that command runs: `scx serve` starts without the others'.
const help = () => import("./src/server/commandHelp.ts");

const runtime = currentRuntime();
const cwd = runtime.cwd();
const commit = (globalThis as { SCX_COMMIT?: string }).SCX_COMMIT ?? "dev";
const version = packageJson.version;

/** Errors an operator fixes: printed as they are (one line each) with exit code 2. */
const operatorErrors = new Set(["ConfigError", "UsageError", "PortInUseError", "ListenError", "ContractsError"]);

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined) {
    runtime.writeStdout((await help()).overviewHelp(version));
    return 2;
  }
  const beforeDashes = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (beforeDashes.includes("--help") || beforeDashes.includes("-h")) {
    const { commandHelp, commands } = await help();
    if ((commands as readonly string[]).includes(command)) {
      runtime.writeStdout(commandHelp(command, version)!);
      return 0;
    }
  }
  // A worker thread evaluates its code while the config is read (src/threads/spareThread.ts).
  if (command === "serve") startSpareThread(runtime.threadEntry("worker"));
  // Config flags and SCX_* variables come from the schema table (baked into the binary).
  await loadSchemaTable();
  switch (command) {
    case "serve": {
      const { serveCommand } = await import("./src/server/serveCommand.ts");
      await serveCommand(runtime, rest, cwd);
      return -1;
    }
    case "check": {
      const [{ parseArgs }, { loadConfigFile }] = await Promise.all([import("./src/server/parseArgs.ts"), import("./src/server/loadConfigFile.ts")]);
      const parsed = parseArgs("check", rest, { config: true, maxPositionals: 1 });
      const { path } = await loadConfigFile(runtime, parsed.positionals[0] ?? "scx.yaml", cwd, parsed.flags);
      runtime.writeStdout(`${path}: valid\n`);
      return 0;
    }
    case "config":
      if (rest[0] === "schema") {
        const [{ parseArgs }, { configJsonSchema }] = await Promise.all([import("./src/server/parseArgs.ts"), import("./src/config/jsonSchema.ts")]);
        parseArgs("config schema", rest.slice(1), { maxPositionals: 0 });
        runtime.writeStdout(JSON.stringify(configJsonSchema(), null, 2) + "\n");
        return 0;
      }
      if (rest[0] === "reference") return await (await import("./src/server/referenceCommand.ts")).referenceCommand(runtime, rest.slice(1), cwd);
      throw new UsageError(rest[0] === undefined ? "scx config: needs a subcommand: schema or reference (scx config --help)"
        : `scx config: unknown subcommand "${rest[0]}": expected schema or reference`);
    case "token":
      return await (await import("./src/server/tokenCommand.ts")).tokenCommand(runtime, rest, cwd);
    case "create": {
      const [{ parseArgs }, { createCommand }] = await Promise.all([import("./src/server/parseArgs.ts"), import("./src/server/createCommand.ts")]);
      const parsed = parseArgs("create", rest, { maxPositionals: 1 });
      return await createCommand(runtime, parsed.positionals[0], cwd, version);
    }
    case "healthcheck":
      return await (await import("./src/server/healthcheckCommand.ts")).healthcheckCommand(runtime, rest);
    case "contracts":
      return await (await import("./src/server/contractsCommand.ts")).contractsCommand(runtime, rest, cwd, version);
    case "--version":
    case "-v":
    case "version":
      runtime.writeStdout(`scx ${version} (${commit})\n`);
      return 0;
    case "--help":
    case "-h":
    case "help": {
      const { commandHelp, overviewHelp } = await help();
      const text = rest[0] === undefined ? overviewHelp(version) : commandHelp(rest[0], version);
      if (!text) throw new UsageError(`scx help: unknown command "${rest[0]}" (scx --help lists the commands)`);
      runtime.writeStdout(text);
      return 0;
    }
    default: {
      const [{ commands }, { nearestKey }] = await Promise.all([help(), import("./src/config/nearestKey.ts")]);
      const near = nearestKey(command, [...commands]);
      throw new UsageError(`scx: unknown command "${command}"${near ? `; did you mean "${near}"?` : ""} (scx --help lists the commands)`);
    }
  }
}

main(runtime.args()).then(
  (code) => { if (code >= 0) runtime.exit(code); },
  (error) => {
    const { name, message, stack } = (error ?? {}) as Error;
    if (operatorErrors.has(name)) {
      runtime.writeStderr(`${message}\n`);
      runtime.exit(2);
    }
    // A system call that failed on a path the user gave (EACCES, ENOENT, EEXIST ...): one line too.
    const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
    if (typeof code === "string" && /^E[A-Z]+$/.test(code) && typeof syscall === "string") {
      runtime.writeStderr(`scx ${runtime.args()[0] ?? ""}: ${message}\n`);
      runtime.exit(2);
    }
    if (name === "StartError" || name === "WorkerScriptError") {
      runtime.writeStderr(`${message}\n`);
      runtime.exit(1);
    }
    runtime.writeStderr(`scx: ${stack ?? error}\n`);
    runtime.exit(1);
  },
);
