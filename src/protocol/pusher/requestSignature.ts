/**
 * Pusher HTTP API request signing (auth version 1.0), as Pusher's HTTP API reference
 * defines it and the `pusher` server SDKs do it: the query carries `auth_key`,
 * `auth_timestamp` (Unix seconds), `auth_version=1.0`, `body_md5` (hex MD5 of a non-empty
 * body) and `auth_signature`, the hex HMAC-SHA256, keyed by the app secret, of
 * `METHOD\nPATH\nQUERY`, where QUERY is every other parameter with its key lowercased,
 * sorted by key and joined as `key=value` with `&`, not URL-escaped.
 *
 * Pure: the clock comes in as an argument.
 *
 * @example
 * const query = signedQuery({ key: "278d425bdf160c739803", secret: "7ad3773142a6692b25b8" },
 *   { method: "POST", path: "/apps/3/events", body, timestamp: 1353088179 });
 * verifyRequestSignature({ method: "POST", path: "/apps/3/events", query, body },
 *   { key: "278d425bdf160c739803", secret: "7ad3773142a6692b25b8" }, 1353088200); // { ok: true }
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** How far (seconds) `auth_timestamp` may be from the server's clock, either way. */
export const timestampWindow = 600;

/** The app credentials a signature is made and checked with. */
export interface SigningApp { key: string; secret: string }

/** A request as the server saw it: the raw path, the decoded query parameters, the raw body text. */
export interface SignedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The body text; undefined or "" when there is none. */
  body?: string;
}

export type SignatureCheck = { ok: true } | { ok: false; message: string };

/**
 * The text that is signed: `METHOD\nPATH\nsorted query without auth_signature`.
 *
 * @example
 * stringToSign("GET", "/apps/3/channels", { auth_key: "k", Info: "user_count" });
 * // "GET\n/apps/3/channels\nauth_key=k&info=user_count"
 */
export function stringToSign(method: string, path: string, query: Record<string, string>): string {
  const pairs = Object.entries(query)
    .map(([key, value]) => [key.toLowerCase(), value] as const)
    .filter(([key]) => key !== "auth_signature")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${method.toUpperCase()}\n${path}\n${pairs.map(([key, value]) => `${key}=${value}`).join("&")}`;
}

/**
 * The hex HMAC-SHA256 of `text` keyed by `secret`.
 *
 * @example
 * hmacHex("7ad3773142a6692b25b8", "POST\n/apps/3/events\n..."); // 64 hex digits
 */
export function hmacHex(secret: string, text: string): string {
  return createHmac("sha256", secret).update(text, "utf8").digest("hex");
}

/**
 * The hex MD5 of a body, as `body_md5` carries it.
 *
 * @example
 * bodyMd5('{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}'); // "ec365a775a4cd0599faeb73354201b6f"
 */
export function bodyMd5(body: string): string {
  return createHash("md5").update(body, "utf8").digest("hex");
}

/**
 * The signed query parameters for a request, as a Pusher server SDK sends them: the
 * auth parameters, `body_md5` when there is a body, the extra `params`, and `auth_signature`.
 *
 * @example
 * const query = signedQuery(app, { method: "GET", path: "/apps/1/channels", params: { filter_by_prefix: "presence-" } });
 * fetch(`${base}/apps/1/channels?${new URLSearchParams(query)}`);
 */
export function signedQuery(
  app: SigningApp,
  request: { method: string; path: string; body?: string; params?: Record<string, string>; timestamp?: number },
): Record<string, string> {
  const query: Record<string, string> = {
    auth_key: app.key,
    auth_timestamp: String(request.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: "1.0",
    ...(request.body ? { body_md5: bodyMd5(request.body) } : {}),
    ...request.params,
  };
  return { ...query, auth_signature: hmacHex(app.secret, stringToSign(request.method, request.path, query)) };
}

const utf8 = new TextEncoder();
const required = ["auth_key", "auth_timestamp", "auth_version", "auth_signature"] as const;

/**
 * Check a request's signature against the app's key and secret at `nowSeconds`: every
 * auth parameter present, the key the app's, version 1.0, the timestamp within 600 s,
 * `body_md5` matching a non-empty body, and the signature right. The messages are
 * Pusher's where Pusher's API has one (the signature and timestamp ones).
 *
 * @example
 * const check = verifyRequestSignature(request, app, Date.now() / 1000);
 * if (!check.ok) return c.text(check.message, 401);
 */
export function verifyRequestSignature(request: SignedRequest, app: SigningApp, nowSeconds: number): SignatureCheck {
  const { query } = request;
  for (const name of required) {
    if (query[name] === undefined || query[name] === "") return { ok: false, message: `Missing authentication parameter: ${name}` };
  }
  if (query.auth_key !== app.key) return { ok: false, message: `Unknown auth_key "${query.auth_key}"` };
  if (query.auth_version !== "1.0") return { ok: false, message: `Unsupported auth_version "${query.auth_version}": expected "1.0"` };
  const timestamp = Number(query.auth_timestamp);
  if (!/^\d+$/.test(query.auth_timestamp!) || !Number.isSafeInteger(timestamp)) {
    return { ok: false, message: `Invalid auth_timestamp "${query.auth_timestamp}": expected Unix seconds` };
  }
  if (Math.abs(nowSeconds - timestamp) > timestampWindow) {
    return { ok: false, message: `Timestamp expired: Given timestamp (${isoSeconds(timestamp)}) not within ${timestampWindow}s of server time (${isoSeconds(nowSeconds)})` };
  }
  if (request.body) {
    if (query.body_md5 === undefined) return { ok: false, message: "Missing authentication parameter: body_md5 (the request has a body)" };
    if (query.body_md5.toLowerCase() !== bodyMd5(request.body)) return { ok: false, message: "Invalid body_md5: it is not the hex MD5 of the request body" };
  }
  const text = stringToSign(request.method, request.path, query);
  const expected = hmacHex(app.secret, text);
  const given = query.auth_signature!.toLowerCase();
  if (given.length !== expected.length || !timingSafeEqual(utf8.encode(given), utf8.encode(expected))) {
    return { ok: false, message: `Invalid signature: you should have sent HmacSHA256Hex(${JSON.stringify(text)}, your_secret_key), but you sent ${JSON.stringify(query.auth_signature)}` };
  }
  return { ok: true };
}

function isoSeconds(seconds: number): string {
  const date = new Date(Math.floor(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace(".000Z", "Z");
}
