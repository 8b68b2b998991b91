#!/usr/bin/env bun
/**
 * The scx command line: `scx serve`, `scx check`, `scx config`, `scx token`,
 * `--version`, `--help`. Exit codes: 0 fine, 1 runtime failure, 2 bad usage or config.
 */
import { currentRuntime } from "./src/runtime/current.ts";
import { serveCommand } from "./src/server/serveCommand.ts";
import { loadConfigFile } from "./src/server/loadConfigFile.ts";
import { ConfigError } from "./src/config/ConfigError.ts";
import { configJsonSchema } from "./src/config/jsonSchema.ts";
import { configReference } from "./src/config/reference.ts";
import { tokenCommand } from "./src/server/tokenCommand.ts";
import { createCommand } from "./src/server/createCommand.ts";
import { healthcheckCommand } from "./src/server/healthcheckCommand.ts";
import packageJson from "./package.json" with { type: "json" };

const runtime = currentRuntime();
const cwd = runtime.cwd();
const commit = (globalThis as { SCX_COMMIT?: string }).SCX_COMMIT ?? "dev";

const help = `scx ${packageJson.version}: a realtime server that speaks the SocketCluster protocol

Usage:
  scx serve [file]             Start the server (default file ./scx.yaml; without one, the defaults)
  scx check <file>             Validate a config file and exit
  scx config schema            Print the config's JSON Schema (for editors)
  scx config reference [--write]  Print (or write into README.md) the config reference
  scx token --sub <id> [--exp 1h] [file]  Sign an auth token with the configured key
  scx create <dir>             Write a runnable app (config, worker script, page)
  scx healthcheck [url]        Exit 0 if the local server answers /health-check
  scx --version                Print the version and commit
  scx --help                   Print this help

Examples:
  scx serve scx.yaml
  SCX_PORT=9000 scx serve      Environment variables override the file (SCX_<KEY>, SCX_AUTH__KEY)
  scx check deploy/scx.yaml
  scx token --sub alice --exp 1h scx.yaml
  scx create my-app && cd my-app && scx serve
`;

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "serve":
      await serveCommand(runtime, rest[0] ?? null, cwd);
      return -1;
    case "check": {
      if (!rest[0]) return usage("scx check needs a config file");
      const { path } = await loadConfigFile(runtime, rest[0], cwd);
      runtime.writeStdout(`${path}: valid\n`);
      return 0;
    }
    case "config":
      if (rest[0] === "schema") {
        runtime.writeStdout(JSON.stringify(configJsonSchema(), null, 2) + "\n");
        return 0;
      }
      if (rest[0] === "reference") return await reference(rest.includes("--write"));
      return usage(`Unknown config subcommand "${rest[0] ?? ""}": expected schema or reference`);
    case "token":
      return await tokenCommand(runtime, rest, cwd);
    case "create":
      return await createCommand(runtime, rest[0], cwd, packageJson.version);
    case "healthcheck":
      return await healthcheckCommand(runtime, rest);
    case "--version":
    case "-v":
    case "version":
      runtime.writeStdout(`scx ${packageJson.version} (${commit})\n`);
      return 0;
    case "--help":
    case "-h":
    case "help":
    case undefined:
      runtime.writeStdout(help);
      return command === undefined ? 2 : 0;
    default:
      return usage(`Unknown command "${command}"`);
  }
}

function usage(message: string): number {
  runtime.writeStderr(`${message}\n\n${help}`);
  return 2;
}

async function reference(write: boolean): Promise<number> {
  const table = `<!-- config-reference:start -->\n${configReference()}\n<!-- config-reference:end -->`;
  if (!write) {
    runtime.writeStdout(table + "\n");
    return 0;
  }
  const readmePath = new URL("./README.md", import.meta.url).pathname;
  const readme = await runtime.readTextFile(readmePath);
  const updated = readme.replace(/<!-- config-reference:start -->[\s\S]*<!-- config-reference:end -->/, table);
  const fs = await import("node:fs/promises");
  await fs.writeFile(readmePath, updated);
  runtime.writeStdout(`Updated the config reference in ${readmePath}\n`);
  return 0;
}

main(runtime.args()).then(
  (code) => { if (code >= 0) runtime.exit(code); },
  (error) => {
    if (error instanceof ConfigError || (error as Error)?.name === "ConfigError") {
      runtime.writeStderr(`${(error as Error).message}\n`);
      runtime.exit(2);
    }
    if ((error as Error)?.name === "StartError" || (error as Error)?.name === "WorkerScriptError") {
      runtime.writeStderr(`${(error as Error).message}\n`);
      runtime.exit(1);
    }
    runtime.writeStderr(`scx: ${(error as Error)?.stack ?? error}\n`);
    runtime.exit(1);
  },
);
