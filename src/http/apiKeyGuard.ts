/**
 * The API key check (hono middleware): requests must carry `Authorization: apikey <key>`;
 * others get 401 with a JSON error. Guards /api/ (but /api/openapi.json) and /metrics.
 * The comparison takes the same time wherever the keys differ.
 *
 * @example
 * app.use("/metrics", apiKeyGuard(config.api.key!));
 */
import type { MiddlewareHandler } from "hono";
import { ErrorName } from "../protocol/errorNames.ts";

/**
 * Whether an Authorization header carries the key (`apikey <key>`, scheme in any case).
 *
 * @example
 * hasApiKey("apikey s3cret-s3cret-s3cret", "s3cret-s3cret-s3cret"); // true
 */
export function hasApiKey(header: string | undefined | null, key: string): boolean {
  const match = /^apikey\s+(.+)$/i.exec(header?.trim() ?? "");
  if (!match) return false;
  const given = new TextEncoder().encode(match[1]);
  const wanted = new TextEncoder().encode(key);
  let diff = given.length ^ wanted.length;
  for (let i = 0; i < wanted.length; i++) diff |= (given[i] ?? 0) ^ wanted[i]!;
  return diff === 0;
}

export function apiKeyGuard(key: string): MiddlewareHandler {
  return async (c, next) => {
    if (hasApiKey(c.req.header("authorization"), key)) return next();
    const message = c.req.header("authorization") ? "The API key is wrong" : "Missing Authorization: apikey <key> header";
    return c.json({ error: { name: ErrorName.Auth, message } }, 401, { "www-authenticate": "apikey" });
  };
}
