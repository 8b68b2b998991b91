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
  Unknown: "UnknownError",
} as const;

export type ErrorNameString = (typeof ErrorName)[keyof typeof ErrorName];

export const errorNameTable: Record<ErrorNameString, string> = {
  AuthTokenExpiredError: "The auth token's exp has passed (carries expiry)",
  AuthTokenInvalidError: "The auth token is malformed, badly signed or uses a refused algorithm",
  AuthTokenNotBeforeError: "The auth token's nbf is in the future (carries date)",
  AuthTokenError: "The auth token could not be verified for another reason",
  AuthError: "Authentication failed",
  SilentMiddlewareBlockedError: "Middleware blocked the action without an error of its own (carries type)",
  InvalidActionError: "The packet is not a valid action here (malformed, or not allowed now)",
  InvalidArgumentsError: "A call received bad arguments",
  InvalidOptionsError: "A call received bad options",
  InvalidMessageError: "A message could not be understood",
  SocketProtocolError: "The socket closed with a protocol close code (carries code)",
  ServerProtocolError: "The server broke the protocol",
  ResourceLimitError: "A limit was reached (channel limit, payload size)",
  TimeoutError: "No response arrived within ackTimeout",
  BadConnectionError: "The connection dropped before the action completed (carries type, code, reason)",
  BrokerError: "Subscribing, unsubscribing or publishing failed",
  NoProcedureError: "scx only: an invoke named no procedure (SocketCluster stays silent)",
  UnknownError: "An error without a name",
};

/** An Error whose name, message and extra own fields are what the client will see. */
export function namedError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  const error = new Error(message);
  error.name = name;
  Object.assign(error, extra);
  return error;
}
