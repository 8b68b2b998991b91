/**
 * `scx healthcheck [config | url]`: exit 0 when the local server answers /health-check,
 * 1 otherwise. Given a config file (or none: ./scx.yaml, else the defaults), it asks the
 * port and scheme that config serves (environment overrides included, so `SCX_PORT` and
 * `SCX_TLS__*` count); given an http(s) URL, it asks that. The Docker HEALTHCHECK uses
 * it, so the image needs no curl.
 *
 * @example
 * await healthcheckCommand(runtime, ["/app/scx.yaml"]); // GET https://127.0.0.1:8443/health-check with tls set
 */
import type { Runtime } from "../runtime/runtime.ts";
import type { Config } from "../config/schema.ts";
import { loadConfigFile } from "./loadConfigFile.ts";

export async function healthcheckCommand(runtime: Runtime, args: string[]): Promise<number> {
  const target = args[0] ?? null;
  const url = target && /^https?:\/\//.test(target)
    ? target
    : healthcheckUrl((await loadConfigFile(runtime, target, runtime.cwd())).config);
  try {
    // The certificate names a public host, not 127.0.0.1: this only asks whether the local process answers.
    const response = await fetch(url, { signal: AbortSignal.timeout(2000), tls: { rejectUnauthorized: false } } as RequestInit);
    if (response.ok) return 0;
    runtime.writeStderr(`${url} answered ${response.status}\n`);
  } catch (error) {
    runtime.writeStderr(`${url} did not answer: ${(error as Error).message}\n`);
  }
  return 1;
}

/** The /health-check URL of the server a config describes, reached over loopback when it listens on every address. */
export function healthcheckUrl(config: Pick<Config, "host" | "port" | "tls">): string {
  const any = ["", "0.0.0.0", "::", "[::]"].includes(config.host);
  const host = any ? "127.0.0.1" : config.host.includes(":") && !config.host.startsWith("[") ? `[${config.host}]` : config.host;
  return `${config.tls ? "https" : "http"}://${host}:${config.port}/health-check`;
}
