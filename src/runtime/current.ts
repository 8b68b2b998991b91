/**
 * The runtime scx is running on, chosen once by the roots.
 *
 * @example
 * const runtime = await currentRuntime();
 */
import type { Runtime } from "./runtime.ts";
import { bunRuntime } from "./bun.ts";
import { denoRuntime } from "./deno.ts";

export function currentRuntime(): Runtime {
  return "Deno" in globalThis ? denoRuntime : bunRuntime;
}
