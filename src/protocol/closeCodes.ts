/**
 * Every WebSocket close code scx sends or understands, with its meaning and whether
 * a SocketCluster client reconnects after it. The one home of these numbers.
 *
 * @example
 * socket.close(CloseCode.PongTimeout, closeReason(CloseCode.PongTimeout));
 */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  InvalidData: 1003,
  NoStatus: 1005,
  Abnormal: 1006,
  BadFormat: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
  PingTimeout: 4000,
  PongTimeout: 4001,
  AuthSignFailed: 4002,
  HandshakeFailed: 4003,
  HandshakeTimeout: 4005,
  ConnectTimeout: 4007,
  HandshakeRejected: 4008,
  MessageBeforeHandshake: 4009,
  RateLimited: 4010,
  SlowConsumer: 4011,
  ConnectionLimit: 4012,
} as const;

export type CloseCodeNumber = (typeof CloseCode)[keyof typeof CloseCode] | number;

/**
 * Per code: SocketCluster's meaning (used as the reason when a close carries none), the
 * client's reconnect policy, and `scx`: when scx itself closes with it (the README's
 * table is generated from this; a code scx never sends has none).
 */
export const closeCodeTable: Record<number, { meaning: string; reconnect: "at once" | "backoff" | "never"; scx?: string }> = {
  1000: { meaning: "Socket closed normally", reconnect: "never", scx: "`socket.disconnect()` without a code; the client's `disconnect()`" },
  1001: { meaning: "Socket was disconnected", reconnect: "backoff", scx: "going away: SIGTERM/SIGINT drain or `server.stop()`; the reason carries a reconnect hint (see [Restarts and deploys](#restarts-and-deploys))" },
  1002: { meaning: "A WebSocket protocol error was encountered", reconnect: "backoff" },
  1003: { meaning: "Server terminated socket because it received invalid data", reconnect: "backoff" },
  1005: { meaning: "Socket closed without status code", reconnect: "at once", scx: "client side: a close event without a code" },
  1006: { meaning: "Socket hung up", reconnect: "backoff", scx: "never sent; seen when a connection drops (e.g. a worker thread died)" },
  1007: { meaning: "Message format was incorrect", reconnect: "backoff" },
  1008: { meaning: "Encountered a policy violation", reconnect: "backoff" },
  1009: { meaning: "Message was too big to process", reconnect: "backoff", scx: "an inbound frame over `maxPayload`" },
  1011: { meaning: "Server encountered an unexpected fatal condition", reconnect: "backoff", scx: "handling a packet failed unexpectedly" },
  4000: { meaning: "Server ping timed out", reconnect: "at once", scx: "client side: no ping within the handshake's `pingTimeout`" },
  4001: { meaning: "Client pong timed out", reconnect: "at once", scx: "no pong within `pingTimeout`" },
  4002: { meaning: "Server failed to sign auth token", reconnect: "backoff", scx: "`setAuthToken` could not sign" },
  4003: { meaning: "Failed to complete handshake", reconnect: "backoff", scx: "client side: the handshake reply was an error without a `statusCode`" },
  4005: { meaning: "Did not receive #handshake from client before timeout", reconnect: "backoff", scx: "no `#handshake` within `handshakeTimeout`" },
  4007: { meaning: "Client connection establishment timed out", reconnect: "backoff", scx: "client side: the WebSocket did not open within `connectTimeout`" },
  4008: { meaning: "Server rejected handshake from client", reconnect: "backoff", scx: "handshake middleware blocked (default code), malformed `#handshake`, transmitted `#authenticate`" },
  4009: { meaning: "Server received a message before the client handshake", reconnect: "backoff", scx: "a packet before `#handshake`" },
  4010: { meaning: "Rate limit exceeded", reconnect: "backoff", scx: "scx only: over `limits.inbound` or a namespace's `publish` rate for `limits.closeAfter` seconds" },
  4011: { meaning: "Slow consumer", reconnect: "backoff", scx: "scx only: more than `limits.outboundBuffer` bytes waited for the client (`slowConsumer: disconnect`)" },
  4012: { meaning: "Connection limit reached", reconnect: "backoff", scx: "scx only: over `limits.connectionsPerIp` or `connectionsPerUser`, on handshake or a later authentication" },
};

/** The table's meaning for a code, or SocketCluster's generic sentence. */
export function closeReason(code: number, reason?: string): string {
  if (reason) return reason;
  return closeCodeTable[code]?.meaning ?? `Socket connection closed with status code ${code}`;
}

/** SocketCluster clients never reconnect after 1000 or any code from 4500 up. */
export function reconnectPolicy(code: number): "at once" | "backoff" | "never" {
  if (code >= 4500 && code <= 4999) return "never";
  return closeCodeTable[code]?.reconnect ?? "backoff";
}
