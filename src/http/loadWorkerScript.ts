/**
 * Load the user's worker script by absolute file URL and call its default export with
 * the worker API. A script that fails to load stops scx with the file and line.
 *
 * @example
 * await loadWorkerScript("/srv/app/worker.ts", api);
 */
import type { WorkerApi } from "./workerApi.ts";

export class WorkerScriptError extends Error {
  override name = "WorkerScriptError";
}

export async function loadWorkerScript(path: string, api: WorkerApi): Promise<void> {
  const url = new URL(`file://${path}`).href;
  let module: { default?: unknown };
  try {
    module = await import(url);
  } catch (error) {
    throw new WorkerScriptError(`Worker script "${path}" failed to load: ${where(error, path)}`);
  }
  if (typeof module.default !== "function") {
    throw new WorkerScriptError(`Worker script "${path}" must export a default function (scx) => void`);
  }
  try {
    await module.default(api);
  } catch (error) {
    throw new WorkerScriptError(`Worker script "${path}" threw while starting: ${where(error, path)}`);
  }
}

/** The error's message plus the first stack line inside the script (file:line:column). */
function where(error: unknown, path: string): string {
  const message = (error as Error)?.message ?? String(error);
  // Bun's syntax errors carry their position instead of a stack.
  const position = (error as { position?: { file?: string; line?: number; column?: number } })?.position;
  if (position?.line) return `${message}\n    at ${position.file ?? path}:${position.line}:${position.column ?? 0}`;
  const stack = error instanceof Error ? error.stack ?? "" : "";
  const line = stack.split("\n").find((l) => l.includes(path));
  return line ? `${message}\n    ${line.trim()}` : message;
}
