/**
 * Channel and user authentication signatures, as the `pusher` server SDKs make them in
 * an app's auth endpoint: `auth` is `<key>:<hex HMAC-SHA256 with the app secret>` over
 * `<socket_id>:<channel>` (private), `<socket_id>:<channel>:<channel_data>` (presence),
 * or `<socket_id>::user::<user_data>` (pusher:signin). Compared in constant time.
 *
 * @example
 * const auth = signChannel(app, "123.456", "private-chat");
 * verifyChannelAuth(app, "123.456", "private-chat", auth); // true
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface AuthApp { key: string; secret: string }

const encoder = new TextEncoder();

function hmac(secret: string, text: string): string {
  return createHmac("sha256", secret).update(text).digest("hex");
}

function verify(app: AuthApp, text: string, auth: unknown): boolean {
  if (typeof auth !== "string") return false;
  const colon = auth.indexOf(":");
  if (colon < 0 || auth.slice(0, colon) !== app.key) return false;
  const given = encoder.encode(auth.slice(colon + 1));
  const expected = encoder.encode(hmac(app.secret, text));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The `auth` an app's endpoint gives for a private or (with `channelData`) presence channel. */
export function signChannel(app: AuthApp, socketId: string, channel: string, channelData?: string): string {
  return `${app.key}:${hmac(app.secret, channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`)}`;
}

export function verifyChannelAuth(app: AuthApp, socketId: string, channel: string, auth: unknown, channelData?: string): boolean {
  return verify(app, channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`, auth);
}

/** The `auth` of a `pusher:signin`: over `<socket_id>::user::<user_data>`. */
export function signUser(app: AuthApp, socketId: string, userData: string): string {
  return `${app.key}:${hmac(app.secret, `${socketId}::user::${userData}`)}`;
}

export function verifyUserAuth(app: AuthApp, socketId: string, userData: string, auth: unknown): boolean {
  return verify(app, `${socketId}::user::${userData}`, auth);
}
