/**
 * `pusher:signin` (user authentication): `auth` is the app's signature over
 * `<socket_id>::user::<user_data>`, and user_data is JSON with a string `id`. On success
 * the connection's user is that id: its auth token becomes `{ sub: id, user_data }`, so
 * the server API's user targets (disconnect, i.e. terminate_connections) and connection
 * listings find it; the client gets `pusher:signin_success`.
 *
 * @example
 * pusherSignin(worker, session, { kind: "signin", auth, userData: '{"id":"ann"}' });
 */
import { verifyUserAuth } from "../../../protocol/pusher/channelAuth.ts";
import { PusherCode } from "../../../protocol/pusher/errorCodes.ts";
import type { PusherInbound } from "../../../protocol/pusher/frames.ts";
import { PusherEvent } from "../../../protocol/pusher/events.ts";
import type { SocketWorker } from "../../SocketWorker.ts";
import type { PusherSession } from "./PusherSession.ts";

export function pusherSignin(worker: SocketWorker, session: PusherSession, packet: Extract<PusherInbound, { kind: "signin" }>): void {
  if (!verifyUserAuth(session.app, session.id, packet.userData, packet.auth)) {
    return session.sendError(PusherCode.Unauthorized, "Invalid signin: the auth does not match this connection's socket_id, user_data and the app's secret");
  }
  let userData: unknown;
  try {
    userData = JSON.parse(packet.userData);
  } catch {
    return session.sendError(PusherCode.Unauthorized, "Invalid signin: user_data is not JSON");
  }
  const id = (userData as { id?: unknown } | null)?.id;
  if (typeof id !== "string" || id === "") return session.sendError(PusherCode.Unauthorized, "Invalid signin: user_data needs a non-empty string id");
  const was = session.authToken;
  session.authToken = { sub: id, user_data: userData };
  session.sendEvent(PusherEvent.signinSuccess, { user_data: packet.userData });
  if (was?.sub !== id) worker.emit("authentication", session);
}
