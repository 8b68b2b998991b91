/**
 * #authenticate (must be an invoke, else close 4008) and the client's #removeAuthToken.
 * A bad token gets an error reply then #removeAuthToken; a token that is only not yet
 * valid gets `{isAuthenticated: false, authError}`, as in SocketCluster.
 *
 * @example
 * await handleAuthPacket(worker, socket, { kind: "authenticate", cid: 6, token: signed });
 */
import type { Inbound } from "../protocol/frames.ts";
import { CloseCode } from "../protocol/closeCodes.ts";
import { dehydrateError } from "../protocol/dehydrate.ts";
import { Reserved } from "../protocol/packets.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";
import { verifyForSocket } from "./verifyForSocket.ts";

type AuthPacket = Extract<Inbound, { kind: "authenticate" | "removeAuthToken" }>;

export async function handleAuthPacket(worker: SocketWorker, socket: ServerSocket, packet: AuthPacket): Promise<void> {
  if (packet.kind === "removeAuthToken") {
    const had = socket.authToken !== null;
    socket.authToken = null;
    socket.signedAuthToken = null;
    if (had) worker.emit("deauthentication", socket);
    return;
  }
  if (packet.cid === undefined) return socket.disconnect(CloseCode.HandshakeRejected);
  const had = socket.authToken !== null;
  const { authToken, error } = await verifyForSocket(worker, socket, packet.token);
  if (socket.state === "closed") return;
  if (error) {
    socket.authToken = null;
    socket.signedAuthToken = null;
    if (had) worker.emit("deauthentication", socket);
    if ((error as { isBadToken?: boolean }).isBadToken) {
      socket.send({ rid: packet.cid, error: dehydrateError(error) });
      socket.transmit(Reserved.removeAuthToken);
    } else {
      socket.send({ rid: packet.cid, data: { isAuthenticated: false, authError: dehydrateError(error) } });
    }
    return;
  }
  socket.authToken = authToken;
  socket.signedAuthToken = packet.token as string;
  socket.send({ rid: packet.cid, data: { isAuthenticated: true, authError: null } });
  worker.emit("authentication", socket);
}
