/**
 * The auth seam: sign and verify auth tokens. Verification failures throw errors named
 * after SocketCluster's (AuthTokenExpiredError, AuthTokenInvalidError, ...) with `isBadToken`.
 *
 * @example
 * const payload = await engine.verifyToken(signed);
 */
export interface SignOptions { expiresIn?: number | string }

export interface AuthEngine {
  signToken(payload: Record<string, unknown>, options?: SignOptions): Promise<string>;
  verifyToken(signed: string): Promise<Record<string, unknown>>;
}
