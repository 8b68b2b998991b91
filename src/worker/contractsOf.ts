/**
 * Which contracts a worker enforces (none unless the config names a module). Kept beside
 * the worker rather than in it, so the worker's fast paths pay one lookup, and only here.
 *
 * @example
 * useContracts(worker, contracts);
 * contractsOf(worker)?.checkPublish("chat/1", data);
 */
import type { Contracts } from "./contracts.ts";

const byWorker = new WeakMap<object, Contracts>();

export function useContracts(worker: object, contracts: Contracts | null): void {
  if (contracts) byWorker.set(worker, contracts);
  else byWorker.delete(worker);
}

export function contractsOf(worker: object): Contracts | undefined {
  return byWorker.get(worker);
}
