/**
 * Load the config's contracts module by file URL and hand its default export zod's `z`
 * (a module beside the binary cannot import the zod bundled inside it). zod is imported
 * only here, and only when a config names contracts: worker threads without contracts
 * never pay its start-up cost.
 *
 * @example
 * const contracts = await loadContracts({ file: "/srv/app/contracts.ts", checkOutputs: false });
 */
import { Contracts, type ContractsModule } from "./contracts.ts";

export class ContractsError extends Error {
  override name = "ContractsError";
}

export async function loadContracts(options: { file: string; checkOutputs: boolean }): Promise<Contracts> {
  const { z } = await import("zod");
  let module: { default?: unknown };
  try {
    module = await import(new URL(`file://${options.file}`).href);
  } catch (error) {
    throw new ContractsError(`Contracts "${options.file}" failed to load: ${(error as Error)?.message ?? error}`);
  }
  if (typeof module.default !== "function") {
    throw new ContractsError(`Contracts "${options.file}" must export a default function (z) => ({ channels, procedures, receivers })`);
  }
  let spec;
  try {
    spec = (module.default as ContractsModule)(z);
  } catch (error) {
    throw new ContractsError(`Contracts "${options.file}" threw: ${(error as Error)?.message ?? error}`);
  }
  if (spec === null || typeof spec !== "object") {
    throw new ContractsError(`Contracts "${options.file}" must return an object { channels, procedures, receivers }`);
  }
  return new Contracts(spec, { checkOutputs: options.checkOutputs });
}
