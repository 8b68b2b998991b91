/**
 * The payload of a signed JWT, read without verifying it (the server signed or verified
 * it; this only shows it, as `socket.authToken` on the server and on the client). Its
 * JSON is UTF-8 (base64url): decoded as bytes, never as Latin-1 text, so `{ sub: "Zoë" }`
 * reads back as "Zoë". Null when the token is not a JWT. One decoder for server and client.
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
