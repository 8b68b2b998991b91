/**
 * The WebSocket URL the client connects to; the port is left out when it is the
 * scheme's default, and a fresh timestamp is added when `timestampRequests` is on.
 *
 * @example
 * socketUrl(withDefaults({ hostname: "example.com", secure: true })); // "wss://example.com/socketcluster/"
 */
import type { ResolvedOptions } from "./options.ts";

export function socketUrl(options: ResolvedOptions, now: number = Date.now()): string {
  const defaultPort = options.secure ? 443 : 80;
  const port = options.port && options.port !== defaultPort ? `:${options.port}` : "";
  const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
  const stamp = options.timestampRequests ? `${encodeURIComponent(options.timestampParam)}=${now}` : "";
  const query = [options.query, stamp].filter(Boolean).join("&");
  return `${options.protocolScheme}://${host}${port}${options.path}${query ? `?${query}` : ""}`;
}
