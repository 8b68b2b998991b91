/**
 * `scx contracts asyncapi [file | dir] [flags]`: print the AsyncAPI 3.0 document (JSON) of
 * the contracts module the config names.
 *
 * @example
 * await contractsCommand(runtime, ["asyncapi", "scx.yaml"], process.cwd(), "0.1.0");
 */
import type { Runtime } from "../runtime/runtime.ts";
import { loadContracts } from "../worker/loadContracts.ts";
import { asyncApiDocument } from "./asyncApiDocument.ts";
import { loadConfigFile } from "./loadConfigFile.ts";
import { parseArgs } from "./parseArgs.ts";
import { UsageError } from "./UsageError.ts";

export async function contractsCommand(runtime: Runtime, args: string[], cwd: string, version: string): Promise<number> {
  if (args[0] !== "asyncapi") {
    throw new UsageError(args[0] === undefined ? "scx contracts: needs a subcommand: asyncapi (scx contracts --help)"
      : `scx contracts: unknown subcommand "${args[0]}": expected asyncapi`);
  }
  const parsed = parseArgs("contracts asyncapi", args.slice(1), { config: true, maxPositionals: 1 });
  const { config, path } = await loadConfigFile(runtime, parsed.positionals[0] ?? null, cwd, parsed.flags, ["contracts"]);
  if (!config.contracts) throw new UsageError(`scx contracts asyncapi: ${path ?? "the config"} names no contracts module (contracts: ./contracts.ts)`);
  const contracts = await loadContracts(config.contracts);
  runtime.writeStdout(JSON.stringify(asyncApiDocument(contracts.spec, config, version), null, 2) + "\n");
  return 0;
}
