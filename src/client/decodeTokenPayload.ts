/**
 * The client's token payload decoder: the one the server uses (src/protocol/decodeTokenPayload.ts).
 *
 * @example
 * decodeTokenPayload(socket.signedAuthToken)?.sub; // "alice"
 */
export { decodeTokenPayload } from "../protocol/decodeTokenPayload.ts";
