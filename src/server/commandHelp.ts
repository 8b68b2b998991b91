/**
 * The CLI's help: the overview (`scx --help`) and each command's usage
 * (`scx serve --help`, ...), with the config flags generated from the schema.
 *
 * @example
 * commandHelp("serve", "0.1.0"); // "Usage: scx serve [file | dir] [flags]\n..."
 */
import { configFlagsHelp } from "../config/configFlags.ts";

/** The commands; each takes `--help` (`scx token --help`). */
export const commands = ["serve", "check", "config", "token", "create", "healthcheck", "contracts"] as const;
/** One of `commands`. */
export type Command = (typeof commands)[number];

const configFlagsNote = "Config flags: every config key as a flag (--port 9000, --log-level debug, --auth.key s3cret);\n" +
  "they beat SCX_* environment variables, which beat the file. scx serve --help lists them.";

/**
 * The overview printed by `scx`, `scx help` and `scx --help`.
 *
 * @example
 * overviewHelp("0.1.0").startsWith("scx 0.1.0"); // true
 */
export function overviewHelp(version: string): string {
  return `scx ${version}: a realtime server that speaks the SocketCluster protocol

Usage:
  scx serve [file | dir] [flags]   Start the server (default ./scx.yaml; without one, the defaults)
  scx check [file | dir] [flags]   Validate a config and the files it names, and exit
  scx config schema                Print the config's JSON Schema (for editors)
  scx config reference [--write]   Print (or write into ./README.md) the config reference
  scx token --sub <id> [file]      Sign an auth token with the configured key
  scx token verify <token> [file]  Say whether a token is valid, and why not
  scx create <dir>                 Write a runnable app (config, worker script, page)
  scx healthcheck [config | url]   Exit 0 if the local server answers /health-check
  scx contracts asyncapi [file]    Print the AsyncAPI 3.0 document of the config's contracts
  scx --version                    Print the version and commit
  scx <command> --help             Print a command's usage

Examples:
  scx serve                        Serve ./scx.yaml, or the defaults
  scx serve my-app --port 9000     Serve my-app/scx.yaml on port 9000
  SCX_PORT=9000 scx serve          Environment variables override the file (SCX_<KEY>, SCX_AUTH__KEY)
  scx check deploy/scx.yaml
  scx token --sub alice --exp 1h --claim role=admin scx.yaml
  scx create my-app && cd my-app && scx serve

Exit codes: 0 fine, 1 runtime failure (or an invalid token for scx token verify),
2 usage, config or operator error (a bad flag, a missing file, a port already in use).
`;
}

/**
 * One command's usage, or undefined for an unknown command.
 *
 * @example
 * commandHelp("token", "0.1.0")?.includes("--claim"); // true
 */
export function commandHelp(command: string, version: string): string | undefined {
  switch (command as Command) {
    case "serve":
      return `Usage: scx serve [file | dir] [flags]

Start scx with a config file (YAML, or JSON when it ends in .json). A folder means the
scx.yaml inside it; no argument means ./scx.yaml, or the defaults when there is none.
Paths in the file are relative to it. SIGTERM or SIGINT drains (drainTimeout); a second
one exits at once. A port another program already listens on is refused (exit 2).

Config flags (beat SCX_* environment variables, which beat the file):
${configFlagsHelp()}

Examples:
  scx serve
  scx serve my-app --port 9000 --workers 2
  scx serve scx.yaml --log-level debug --log-format pretty
`;
    case "check":
      return `Usage: scx check [file | dir] [flags]

Validate a config (with SCX_* variables and flags applied) and check that every file and
folder it names exists: worker script, static folder, TLS and key files. Each problem is
one line, file:line:column: key: what was expected, what was found. Exit 0 valid, 2 not.

${configFlagsNote}

Example:
  scx check deploy/scx.yaml
`;
    case "config":
      return `Usage: scx config schema | scx config reference [--write]

  schema               Print the config's JSON Schema (point an editor's YAML support at it)
  reference            Print the config reference table (Markdown)
  reference --write    Replace the table between the config-reference markers in ./README.md
`;
    case "token":
      return `Usage: scx token --sub <id> [--exp <duration>] [--claim key=value]... [file | dir] [flags]
       scx token verify <token> [file | dir] [flags]

Sign a JWT with the configured key (auth.key, auth.keyFile or SCX_AUTH__KEY), or verify one.

  --sub <id>           The subject (required)
  --exp <duration>     Lifetime: seconds (3600) or 90s, 15m, 1h, 7d (default auth.defaultExpiry)
  --claim key=value    An extra claim, repeatable; the value is JSON when it parses as JSON
                       (--claim admin=true --claim rooms='["a","b"]'), else a string

verify prints the payload and exits 0 when the token is valid; otherwise it prints why
(expired, invalid signature, wrong issuer or audience, malformed) and exits 1.

${configFlagsNote}

Examples:
  scx token --sub alice --exp 1h --claim role=admin scx.yaml
  scx token verify eyJhbGciOi... scx.yaml
`;
    case "create":
      return `Usage: scx create <dir>

Write a runnable app into a new (or empty) folder: scx.yaml, a worker script, a page.

Example:
  scx create my-app && cd my-app && scx serve
`;
    case "contracts":
      return `Usage: scx contracts asyncapi [file | dir] [flags]

Print, as JSON, the AsyncAPI 3.0 document of the contracts module the config names
(contracts: ./contracts.ts): every channel pattern with its publication schema, every
procedure (request and reply) and receiver, the schemas as JSON Schema.

${configFlagsNote}

Example:
  scx contracts asyncapi scx.yaml > asyncapi.json
`;
    case "healthcheck":
      return `Usage: scx healthcheck [config | url]

Exit 0 when the local server answers /health-check, 1 otherwise (for Docker's HEALTHCHECK).
`;
    default:
      return command === "help" ? overviewHelp(version) : undefined;
  }
}
