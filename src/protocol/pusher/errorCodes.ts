/**
 * Every `pusher:error` code scx sends on a Pusher connection, with its meaning and what
 * pusher-js does after it, as Pusher's protocol document groups them: 4000–4099 the
 * client must not reconnect, 4100–4199 it reconnects after a pause, 4200–4299 it
 * reconnects at once, 4300–4399 other errors (the connection stays open). The one home
 * of these numbers; the SocketCluster close codes live in ../closeCodes.ts.
 *
 * @example
 * errorFrame(PusherCode.AppNotFound, "App key \"nope\" is not on this server");
 */
import { CloseCode } from "../closeCodes.ts";

export const PusherCode = {
  /** The app only accepts TLS connections (scx never sends it: TLS is the listener's). */
  UseTls: 4000,
  AppNotFound: 4001,
  AppDisabled: 4003,
  OverConnectionQuota: 4004,
  PathNotFound: 4005,
  InvalidVersion: 4006,
  UnsupportedProtocol: 4007,
  NoProtocol: 4008,
  Unauthorized: 4009,
  OverCapacity: 4100,
  ReconnectNow: 4200,
  PongNotReceived: 4201,
  ClosedAfterInactivity: 4202,
  InvalidMessage: 4300,
  RateLimited: 4301,
  ClientEventRejected: 4302,
  MessageTooLarge: 4303,
} as const;

export type PusherCodeNumber = (typeof PusherCode)[keyof typeof PusherCode];

/** Per code: Pusher's meaning, what the client does, and when scx sends it. */
export const pusherCodeTable: Record<PusherCodeNumber, { meaning: string; reconnect: "never" | "after a pause" | "at once" | "stays open"; scx: string }> = {
  4000: { meaning: "Application only accepts SSL connections", reconnect: "never", scx: "never (TLS is the listener's setting)" },
  4001: { meaning: "Application does not exist", reconnect: "never", scx: "an upgrade on `/app/{key}` with a key no `pusher.apps` entry has" },
  4003: { meaning: "Application disabled", reconnect: "never", scx: "never" },
  4004: { meaning: "Application is over connection quota", reconnect: "never", scx: "a connection cap refused the connection" },
  4005: { meaning: "Path not found", reconnect: "never", scx: "never (other paths answer 400)" },
  4006: { meaning: "Invalid version string format", reconnect: "never", scx: "`protocol` in the query is not a number" },
  4007: { meaning: "Unsupported protocol version", reconnect: "never", scx: "`protocol` below 5 or above 7" },
  4008: { meaning: "No protocol version supplied", reconnect: "never", scx: "no `protocol` in the query" },
  4009: { meaning: "Connection is unauthorized", reconnect: "never", scx: "the server API's disconnect (terminate_connections), a handshake middleware block" },
  4100: { meaning: "Over capacity", reconnect: "after a pause", scx: "a slow consumer (its outbound buffer overflowed), or over a rate limit for `limits.closeAfter` seconds" },
  4200: { meaning: "Generic reconnect immediately", reconnect: "at once", scx: "the server shuts down or restarts" },
  4201: { meaning: "Pong reply not received", reconnect: "at once", scx: "nothing arrived within `pingTimeout`" },
  4202: { meaning: "Closed after inactivity", reconnect: "at once", scx: "never" },
  4300: { meaning: "Invalid message", reconnect: "stays open", scx: "a frame that is not JSON, not an object, with a field of the wrong type, or an unknown `pusher:` event" },
  4301: { meaning: "Client event rejected due to rate limit", reconnect: "stays open", scx: "a client event over `limits.inbound` or the channel namespace's `publish` rate" },
  4302: { meaning: "Client event rejected", reconnect: "stays open", scx: "client events off for the app, on a public channel, on a channel the socket is not in, or blocked by middleware" },
  4303: { meaning: "Message too large", reconnect: "stays open", scx: "a client event's data over 10 KB (Pusher's limit)" },
};

/** Pusher's limit on an event's data, in bytes (client events here, the HTTP API's events too). */
export const maxEventDataBytes = 10 * 1024;

/**
 * The Pusher code a connection closes with when scx closes it for a SocketCluster reason
 * (close codes from ../closeCodes.ts); Pusher codes (4000–4399) pass as they are only
 * when they come from `closeWith`, since SocketCluster's 4000–4012 mean other things.
 *
 * @example
 * closeCodeToPusher(4001); // 4201: SocketCluster's pong timeout
 */
export function closeCodeToPusher(code: number): PusherCodeNumber {
  switch (code) {
    case CloseCode.PongTimeout: return PusherCode.PongNotReceived;
    case CloseCode.RateLimited: case CloseCode.SlowConsumer: return PusherCode.OverCapacity;
    case CloseCode.ConnectionLimit: return PusherCode.OverConnectionQuota;
    case CloseCode.GoingAway: case CloseCode.InternalError: return PusherCode.ReconnectNow;
    default: return PusherCode.Unauthorized; // the server API's disconnect, application codes
  }
}

/** Whether text has the form of a Pusher socket id (`<digits>.<digits>`), which is also its scx client id. */
export function isSocketId(text: string): boolean {
  return /^\d+\.\d+$/.test(text);
}
