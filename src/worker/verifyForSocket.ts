/**
 * Verify a signed token for a socket: the auth engine's check, then the authenticate
 * middleware. Never throws: the failure comes back as the error the client will see.
 *
 * @example
 * const { authToken, error } = await verifyForSocket(worker, socket, signed);
 */
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";
import { runMiddleware } from "./middleware.ts";

export interface Verified { authToken: Record<string, unknown> | null; error: Error | null }

export async function verifyForSocket(worker: SocketWorker, socket: ServerSocket, signed: unknown): Promise<Verified> {
  // As socketcluster-server (ag-auth): a non-string token is an AuthTokenError, an empty one an invalid JWT.
  if (signed === null || signed === undefined || signed === "") {
    return { authToken: null, error: namedError(ErrorName.AuthTokenInvalid, "jwt must be provided", { isBadToken: true }) };
  }
  if (typeof signed !== "string") {
    return { authToken: null, error: namedError(ErrorName.AuthToken, "Invalid token format - Token must be a string", { isBadToken: true }) };
  }
  if (!worker.hasAuth()) {
    return { authToken: null, error: namedError(ErrorName.AuthToken, "No auth engine is configured", { isBadToken: false }) };
  }
  let authToken: Record<string, unknown>;
  try {
    authToken = await worker.authEngine().verifyToken(signed);
  } catch (error) {
    return { authToken: null, error: error as Error };
  }
  const blocked = await runMiddleware("inbound", worker.middlewares.inbound,
    { type: "authenticate", socket, signedAuthToken: signed, authToken });
  return blocked ? { authToken: null, error: blocked } : { authToken, error: null };
}
