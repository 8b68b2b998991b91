/**
 * Without a configured key, generate a random HMAC secret once, at start, in the main
 * thread, so every thread shares it; warn that tokens will not outlive this process.
 *
 * @example
 * const config = ensureAuthKey(loadedConfig, log);
 */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";

export function ensureAuthKey(config: Config, log: Logger): Config {
  const { auth } = config;
  if (!auth.algorithm.startsWith("HS") || auth.key || auth.keyFile) return config;
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  log.warn("No auth.key configured: generated a random one; auth tokens will not survive a restart or work across hosts");
  return { ...config, auth: { ...auth, key } };
}
