/**
 * The payload of a signed JWT, read without verifying it (the server verified it; the
 * client only shows it, as `socket.authToken`). Null when the token is not a JWT.
 *
 * @example
 * decodeTokenPayload(socket.signedAuthToken)?.sub; // "alice"
 */
export function decodeTokenPayload(token: string): Record<string, any> | null {
  try {
    const part = (token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/");
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === "object" ? payload : null;
  } catch {
    return null;
  }
}
