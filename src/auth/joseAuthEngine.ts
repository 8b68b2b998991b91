/**
 * JWT auth with jose: signs with the configured key and algorithm, verifies with that
 * key or an older one chosen by `kid` (rotation), and maps failures onto SocketCluster's
 * error names so clients react as they would to socketcluster-server.
 *
 * @example
 * const engine = new JoseAuthEngine({ algorithm: "HS256", signKey, verifyKey, verifyKeys: new Map(), defaultExpiry: 86400 });
 * const token = await engine.signToken({ sub: "alice" });
 */
import type { JWTPayload, KeyObject } from "jose";
import type { AuthEngine, SignOptions } from "./AuthEngine.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";

type Key = KeyObject | CryptoKey | Uint8Array;
type Jose = typeof import("jose");

/**
 * jose loads on the first token signed or verified, not with the thread: a worker thread
 * of the binary (built with --splitting) then listens without evaluating it first.
 */
let jose: Promise<Jose> | null = null;
export const loadJose = (): Promise<Jose> => (jose ??= import("jose"));

export interface JoseKeys {
  algorithm: string;
  signKey: Key;
  verifyKey: Key;
  kid?: string;
  /** Older verification keys by kid. */
  verifyKeys: Map<string, Key>;
  defaultExpiry: number;
  issuer?: string;
  audience?: string;
}

export class JoseAuthEngine implements AuthEngine {
  constructor(private readonly keys: JoseKeys) {}

  async signToken(payload: Record<string, unknown>, options: SignOptions = {}): Promise<string> {
    const { algorithm, kid, issuer, audience, defaultExpiry } = this.keys;
    if (issuer && payload.iss !== undefined && payload.iss !== issuer) {
      throw namedError(ErrorName.InvalidArguments, `The payload's iss "${payload.iss}" conflicts with the configured issuer "${issuer}"`);
    }
    const { SignJWT } = await loadJose();
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(payload as JWTPayload).setProtectedHeader(kid ? { alg: algorithm, typ: "JWT", kid } : { alg: algorithm, typ: "JWT" });
    jwt.setIssuedAt(typeof payload.iat === "number" ? payload.iat : now);
    if (typeof payload.exp !== "number") {
      const expiresIn = options.expiresIn ?? defaultExpiry;
      jwt.setExpirationTime(typeof expiresIn === "number" ? now + expiresIn : expiresIn);
    }
    if (issuer) jwt.setIssuer(issuer);
    if (audience && payload.aud === undefined) jwt.setAudience(audience);
    return await jwt.sign(this.keys.signKey);
  }

  async verifyToken(signed: string): Promise<Record<string, unknown>> {
    const { algorithm, issuer, audience } = this.keys;
    const { jwtVerify, errors } = await loadJose();
    try {
      const { payload } = await jwtVerify(signed, (header) => this.#keyFor(header.kid), {
        algorithms: [algorithm], issuer, audience,
      });
      return payload as Record<string, unknown>;
    } catch (error) {
      throw toAuthError(error, signed, errors);
    }
  }

  #keyFor(kid: string | undefined): Key {
    if (kid !== undefined && kid !== this.keys.kid) {
      const key = this.keys.verifyKeys.get(kid);
      if (!key) throw namedError(ErrorName.AuthTokenInvalid, `Unknown key id "${kid}"`, { isBadToken: true });
      return key;
    }
    return this.keys.verifyKey;
  }
}

/** jose's errors in SocketCluster's words (jsonwebtoken's messages). */
function toAuthError(error: unknown, signed: string, errors: Jose["errors"]): Error {
  if ((error as Error)?.name === ErrorName.AuthTokenInvalid) return error as Error;
  if (error instanceof errors.JWTExpired) {
    const exp = (error.payload as JWTPayload).exp;
    return namedError(ErrorName.AuthTokenExpired, "jwt expired", {
      expiry: exp ? new Date(exp * 1000).toISOString() : undefined, isBadToken: true,
    });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") {
      const nbf = (error.payload as JWTPayload).nbf;
      return namedError(ErrorName.AuthTokenNotBefore, "jwt not active", {
        date: nbf ? new Date(nbf * 1000).toISOString() : undefined, isBadToken: false,
      });
    }
    return namedError(ErrorName.AuthTokenInvalid, `jwt ${error.claim} invalid: ${error.message}`, { isBadToken: true });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return namedError(ErrorName.AuthTokenInvalid, "invalid signature", { isBadToken: true });
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return namedError(ErrorName.AuthTokenInvalid, "invalid algorithm", { isBadToken: true });
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || signed.split(".").length !== 3) {
    return namedError(ErrorName.AuthTokenInvalid, "jwt malformed", { isBadToken: true });
  }
  return namedError(ErrorName.AuthToken, (error as Error)?.message ?? String(error), { isBadToken: true });
}
