/**
 * `scx token --sub alice [--exp 1h] [--claim key=value] [file]`: sign a token with the
 * configured key, for testing and for backends that hand tokens to clients.
 *
 * @example
 * await tokenCommand(runtime, ["--sub", "alice", "--exp", "1h", "scx.yaml"], cwd);
 */
import type { Runtime } from "../runtime/runtime.ts";
import { createAuthEngine } from "../auth/createAuthEngine.ts";
import { createLogger } from "../log/logger.ts";
import { loadConfigFile } from "./loadConfigFile.ts";

export async function tokenCommand(runtime: Runtime, args: string[], cwd: string): Promise<number> {
  const claims: Record<string, unknown> = {};
  let expiresIn: string | number | undefined;
  let file: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--sub") claims.sub = args[++i];
    else if (arg === "--exp") expiresIn = /^\d+$/.test(args[++i] ?? "") ? Number(args[i]) : args[i];
    else if (arg === "--claim") {
      const [key = "", ...value] = (args[++i] ?? "").split("=");
      claims[key] = value.join("=");
    } else if (!arg.startsWith("--")) file = arg;
    else {
      runtime.writeStderr(`Unknown option "${arg}" for scx token\n`);
      return 2;
    }
  }
  if (typeof claims.sub !== "string" || claims.sub === "") {
    runtime.writeStderr("scx token needs --sub <subject>\n");
    return 2;
  }
  const { config } = await loadConfigFile(runtime, file, cwd);
  const log = createLogger({ level: "error", role: "main", id: 0, sink: () => {} });
  const engine = await createAuthEngine(config.auth, runtime.readTextFile, log);
  if (!engine) {
    runtime.writeStderr("scx token needs a configured key: set auth.key or auth.keyFile (or SCX_AUTH__KEY)\n");
    return 2;
  }
  runtime.writeStdout((await engine.signToken(claims, { expiresIn })) + "\n");
  return 0;
}
