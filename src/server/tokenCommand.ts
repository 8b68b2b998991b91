/**
 * `scx token --sub alice [--exp 1h] [--claim key=value]... [file]`: sign a token with the
 * configured key, for testing and for backends that hand tokens to clients.
 * `scx token verify <token> [file]`: say whether a token is valid (exit 0) or why not (exit 1).
 *
 * @example
 * await tokenCommand(runtime, ["--sub", "alice", "--exp", "1h", "--claim", "admin=true", "scx.yaml"], cwd);
 */
import type { Runtime } from "../runtime/runtime.ts";
import { createAuthEngine } from "../auth/createAuthEngine.ts";
import type { AuthEngine } from "../auth/AuthEngine.ts";
import { createLogger } from "../log/logger.ts";
import { loadConfigFile } from "./loadConfigFile.ts";
import { parseArgs } from "./parseArgs.ts";
import { UsageError } from "./UsageError.ts";

/** What jose accepts as a lifetime: seconds, or a number and a unit. */
const duration = /^\d+$|^\d+(\.\d+)?\s?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|yrs?|years?)$/i;

export async function tokenCommand(runtime: Runtime, args: string[], cwd: string): Promise<number> {
  if (args[0] === "verify") return await verify(runtime, args.slice(1), cwd);
  const parsed = parseArgs("token", args, { options: { sub: "value", exp: "value", claim: "value" }, config: true, maxPositionals: 1 });
  const claims: Record<string, unknown> = {};
  for (const claim of parsed.options.claim ?? []) {
    const equals = claim.indexOf("=");
    if (equals <= 0) throw new UsageError(`scx token: --claim "${claim}" is not key=value`);
    claims[claim.slice(0, equals)] = jsonOrString(claim.slice(equals + 1));
  }
  const sub = parsed.options.sub?.at(-1);
  if (sub !== undefined) claims.sub = sub;
  if (typeof claims.sub !== "string" || claims.sub === "") throw new UsageError("scx token: needs --sub <subject>");
  const exp = parsed.options.exp?.at(-1);
  if (exp !== undefined && !duration.test(exp)) {
    throw new UsageError(`scx token: --exp "${exp}" is not a duration (seconds like 3600, or 90s, 15m, 1h, 7d)`);
  }
  const expiresIn = exp === undefined ? undefined : /^\d+$/.test(exp) ? Number(exp) : exp;
  const engine = await authEngine(runtime, parsed.positionals[0] ?? null, cwd, parsed.flags);
  runtime.writeStdout((await engine.signToken(claims, { expiresIn })) + "\n");
  return 0;
}

async function verify(runtime: Runtime, args: string[], cwd: string): Promise<number> {
  const parsed = parseArgs("token verify", args, { config: true, maxPositionals: 2 });
  const [token, file = null] = parsed.positionals;
  if (!token) throw new UsageError("scx token verify: needs the token: scx token verify <token> [file]");
  const engine = await authEngine(runtime, file, cwd, parsed.flags);
  try {
    const payload = await engine.verifyToken(token);
    runtime.writeStdout(`valid: ${JSON.stringify(payload)}\n`);
    return 0;
  } catch (error) {
    const { name, message, expiry } = error as Error & { expiry?: string };
    const why = name === "AuthTokenExpiredError" ? `expired${expiry ? ` at ${expiry}` : ""}` : message;
    runtime.writeStderr(`invalid: ${why} (${name})\n`);
    return 1;
  }
}

async function authEngine(runtime: Runtime, file: string | null, cwd: string, flags: Parameters<typeof loadConfigFile>[3]): Promise<AuthEngine> {
  const { config } = await loadConfigFile(runtime, file, cwd, flags, ["auth"]);
  const log = createLogger({ level: "error", role: "main", id: 0, sink: () => {} });
  let engine: AuthEngine | null;
  try {
    engine = await createAuthEngine(config.auth, runtime.readTextFile, log);
  } catch (error) {
    throw new UsageError(`scx token: ${(error as Error).message}`);
  }
  if (!engine) throw new UsageError("scx token: needs a configured key: set auth.key or auth.keyFile (or SCX_AUTH__KEY, --auth.key)");
  return engine;
}

function jsonOrString(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
