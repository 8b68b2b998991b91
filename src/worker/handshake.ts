/**
 * The #handshake: verify the token the client sent, run handshake middleware, then
 * answer with the socket id, pingTimeout and auth state, and start pinging the socket.
 *
 * @example
 * await handshake(worker, socket, { kind: "handshake", cid: 1, authToken: null });
 */
import type { Inbound } from "../protocol/frames.ts";
import { CloseCode } from "../protocol/closeCodes.ts";
import { dehydrateError } from "../protocol/dehydrate.ts";
import { Reserved } from "../protocol/packets.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";
import { type HandshakeAction, runMiddleware } from "./middleware.ts";
import { verifyForSocket } from "./verifyForSocket.ts";
import { admitConnection, capsEnabled } from "./connectionCaps.ts";

export async function handshake(
  worker: SocketWorker, socket: ServerSocket, packet: Extract<Inbound, { kind: "handshake" }>,
): Promise<void> {
  if (packet.cid === undefined) return socket.disconnect(CloseCode.HandshakeRejected);
  const verified = packet.authToken === null
    ? { authToken: null, error: null }
    : await verifyForSocket(worker, socket, packet.authToken);
  if (socket.state === "closed") return;
  const action: HandshakeAction = {
    type: "handshake", socket, request: socket.request,
    data: { signedAuthToken: typeof packet.authToken === "string" ? packet.authToken : null, authToken: verified.authToken, authTokenError: verified.error },
  };
  const blocked = await runMiddleware("handshake", worker.middlewares.handshake, action);
  // The socket may have closed while the middleware ran (TypeScript keeps the narrowing above).
  if ((socket.state as string) === "closed") return;
  if (blocked) {
    const statusCode = (blocked as { statusCode?: number }).statusCode ?? CloseCode.HandshakeRejected;
    socket.send({ rid: packet.cid, error: { ...(dehydrateError(blocked) as object), statusCode } });
    return socket.disconnect(statusCode);
  }
  if (capsEnabled(worker)) {
    const capped = await admitConnection(worker, socket, verified.authToken);
    if ((socket.state as string) === "closed") return;
    if (capped) {
      socket.send({ rid: packet.cid, error: { ...(dehydrateError(capped) as object), statusCode: CloseCode.ConnectionLimit } });
      return socket.disconnect(CloseCode.ConnectionLimit);
    }
  }
  if (verified.authToken) {
    socket.authToken = verified.authToken;
    socket.signedAuthToken = packet.authToken as string;
  }
  socket.state = "open";
  if (socket.handshakeTimer) clearTimeout(socket.handshakeTimer);
  socket.handshakeTimer = null;
  const data: Record<string, unknown> = {
    id: socket.id, pingTimeout: worker.config.pingTimeout, isAuthenticated: socket.authToken !== null,
  };
  if (verified.error) data.authError = dehydrateError(verified.error);
  socket.send({ rid: packet.cid, data });
  if ((verified.error as { isBadToken?: boolean } | null)?.isBadToken) socket.transmit(Reserved.removeAuthToken);
  worker.emit("connection", socket);
  if (socket.authToken) worker.emit("authentication", socket);
}
