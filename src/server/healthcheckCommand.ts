/**
 * `scx healthcheck [url]`: exit 0 when the server answers /health-check, 1 otherwise.
 * The Docker HEALTHCHECK uses it, so the image needs no curl.
 *
 * @example
 * await healthcheckCommand(runtime, []);
 */
import type { Runtime } from "../runtime/runtime.ts";

export async function healthcheckCommand(runtime: Runtime, args: string[]): Promise<number> {
  const url = args[0] ?? `http://127.0.0.1:${runtime.env("SCX_PORT") ?? "8000"}/health-check`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (response.ok) return 0;
    runtime.writeStderr(`${url} answered ${response.status}\n`);
  } catch (error) {
    runtime.writeStderr(`${url} did not answer: ${(error as Error).message}\n`);
  }
  return 1;
}
