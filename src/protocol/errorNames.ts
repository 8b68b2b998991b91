/**
 * Every error name a client can receive from scx, with what it means. The one home of
 * these names (SocketCluster's sc-errors vocabulary, plus scx's NoProcedureError).
 *
 * @example
 * throw namedError(ErrorName.InvalidAction, "Subscribe channel name was malformatted");
 */
export const ErrorName = {
  AuthTokenExpired: "AuthTokenExpiredError",
  AuthTokenInvalid: "AuthTokenInvalidError",
  AuthTokenNotBefore: "AuthTokenNotBeforeError",
  AuthToken: "AuthTokenError",
  Auth: "AuthError",
  SilentMiddlewareBlocked: "SilentMiddlewareBlockedError",
  InvalidAction: "InvalidActionError",
  InvalidArguments: "InvalidArgumentsError",
  InvalidOptions: "InvalidOptionsError",
  InvalidMessage: "InvalidMessageError",
  SocketProtocol: "SocketProtocolError",
  ServerProtocol: "ServerProtocolError",
  ResourceLimit: "ResourceLimitError",
  Timeout: "TimeoutError",
  BadConnection: "BadConnectionError",
  Broker: "BrokerError",
  NoProcedure: "NoProcedureError",
  Validation: "ValidationError",
  Forbidden: "ForbiddenError",
  RateLimit: "RateLimitError",
  ConnectionLimit: "ConnectionLimitError",
  PresenceLimit: "PresenceLimitError",
  Unknown: "UnknownError",
} as const;

export type ErrorNameString = (typeof ErrorName)[keyof typeof ErrorName];

/** What each name means and when scx sends it; the README's table is generated from this. */
export const errorNameTable: Record<ErrorNameString, string> = {
  AuthTokenExpiredError: "The auth token's `exp` has passed (carries `expiry`)",
  AuthTokenInvalidError: "The auth token is malformed, badly signed, uses a refused algorithm or an unknown `kid`",
  AuthTokenNotBeforeError: "The auth token's `nbf` is in the future (carries `date`)",
  AuthTokenError: "The auth token could not be verified for another reason",
  AuthError: "Authentication failed",
  SilentMiddlewareBlockedError: "Middleware blocked the action without an error of its own (carries `type`)",
  InvalidActionError: "Malformed `#subscribe`/`#unsubscribe`/`#publish`/`#history`, client publish disabled (`allowClientPublish: false`), `#history` on a channel without history, or `#presence`/`#presenceStats` by a socket not subscribed to the channel or on a channel without presence",
  InvalidArgumentsError: "A call received bad arguments (e.g. `setAuthToken` with an `iss` that conflicts with `auth.issuer`)",
  InvalidOptionsError: "Not sent by scx (SocketCluster vocabulary)",
  InvalidMessageError: "A packet nested deeper than 256 levels, a reply that cannot be encoded, or a malformed server message (client side)",
  SocketProtocolError: "Client side: the socket closed with a code other than 1000 or 1001 (carries `code`)",
  ServerProtocolError: "Not sent by scx (SocketCluster vocabulary)",
  ResourceLimitError: "Not sent by scx (SocketCluster vocabulary; the channel limit answers `BrokerError`)",
  TimeoutError: "No response arrived within `ackTimeout`",
  BadConnectionError: "The connection dropped before the action completed (carries `type`, `code`, `reason`)",
  BrokerError: "Channel limit (`socketChannelLimit`) reached, unsubscribe from a channel not subscribed, or Redis unreachable (down or not answering) on a channel with history or latest",
  NoProcedureError: "scx only: no procedure is registered for the invoked name (SocketCluster stays silent)",
  ValidationError: "scx only: a publish, invoke input or (with `contracts.checkOutputs`) procedure output failed its contract's schema (carries `issues: [{ path, message }]`)",
  ForbiddenError: "scx only: the contracts' `canSubscribe` or `canPublish` refused the socket's token for the channel",
  RateLimitError: "scx only: an invoke or `#publish` over `limits.inbound` or the namespace's `publish` rate (carries `retryAfter`, ms)",
  ConnectionLimitError: "scx only: the handshake or authentication would pass `limits.connectionsPerIp` or `connectionsPerUser` (carries `limit`; then close 4012)",
  PresenceLimitError: "scx only: `#presence` on a channel with more members than `presence.listLimit` (`#presenceStats` still answers)",
  UnknownError: "A handler or middleware threw something that is not an Error",
};

/** An Error whose name, message and extra own fields are what the client will see. */
export function namedError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  const error = new Error(message);
  error.name = name;
  Object.assign(error, extra);
  return error;
}
