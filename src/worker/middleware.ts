/**
 * SocketCluster's middleware model as one typed Action union. A middleware function
 * allows by returning, blocks by throwing a named error (the client sees its name and
 * message) or silently by returning `false`, and may replace `action.data` where the
 * action has data to replace (subscribe, publishIn, publishOut, invoke, transmit).
 *
 * @example
 * server.middleware("inbound", (action) => {
 *   if (action.type === "subscribe" && action.channel.startsWith("private/") && !action.socket.authToken) {
 *     throw namedError("AuthError", "Sign in to subscribe to private channels");
 *   }
 * });
 */
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketRequest } from "./ConnectionData.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";

export interface HandshakeWSAction { type: "handshakeWS"; request: Request }
export interface HandshakeAction {
  type: "handshake"; socket: ServerSocket; request: SocketRequest;
  data: { signedAuthToken: string | null; authToken: Record<string, unknown> | null; authTokenError: Error | null };
}
export interface TransmitAction { type: "transmit"; socket: ServerSocket; receiver: string; data: unknown }
export interface InvokeAction { type: "invoke"; socket: ServerSocket; procedure: string; data: unknown }
/** `info` (presence channels): what the member list shows for this connection; only middleware sets it, never the client. */
export interface SubscribeAction { type: "subscribe"; socket: ServerSocket; channel: string; data: unknown; info?: Record<string, unknown> | null }
export interface PublishInAction { type: "publishIn"; socket: ServerSocket; channel: string; data: unknown }
export interface AuthenticateAction { type: "authenticate"; socket: ServerSocket; signedAuthToken: string; authToken: Record<string, unknown> }
/** A `#history` read; passes the same inbound middleware as a subscribe to that channel would. */
export interface HistoryAction { type: "history"; socket: ServerSocket; channel: string; data: { since?: { offset: number; epoch: string }; limit?: number } }
/** A `#presence` (`stats` false) or `#presenceStats` read by a subscriber of the channel; middleware can only refuse it. */
export interface PresenceAction { type: "presence"; socket: ServerSocket; channel: string; stats: boolean }
export interface PublishOutAction { type: "publishOut"; socket: ServerSocket; channel: string; data: unknown }

export type InboundAction = TransmitAction | InvokeAction | SubscribeAction | PublishInAction | AuthenticateAction | HistoryAction | PresenceAction;
export type Action = HandshakeWSAction | HandshakeAction | InboundAction | PublishOutAction;

export type MiddlewareStage = "handshake" | "inbound" | "outbound";
export type StageAction<S extends MiddlewareStage> =
  S extends "handshake" ? HandshakeWSAction | HandshakeAction : S extends "inbound" ? InboundAction : PublishOutAction;
export type Middleware<S extends MiddlewareStage> = (action: StageAction<S>) => void | boolean | Promise<void | boolean>;

export const middlewareStages: readonly MiddlewareStage[] = ["handshake", "inbound", "outbound"];

const stageWord: Record<MiddlewareStage, string> = { handshake: "handshake", inbound: "inbound", outbound: "outbound" };

/** The error a silent block turns into, in SocketCluster's words. */
export function silentBlockError(action: Action, stage: MiddlewareStage): Error {
  const name = action.type === "handshake" ? "handshakeSC" : action.type;
  return namedError(ErrorName.SilentMiddlewareBlocked,
    `The ${name} AGAction was blocked by ${stageWord[stage]} middleware`, { type: stage });
}

/**
 * Run a stage's functions in order. Resolves to null when allowed, or to the blocking
 * error. Stays synchronous when every function is, so the hot path never awaits.
 */
export function runMiddleware<S extends MiddlewareStage>(
  stage: S, fns: Middleware<S>[], action: StageAction<S>,
): Error | null | Promise<Error | null> {
  for (let i = 0; i < fns.length; i++) {
    let result: ReturnType<Middleware<S>>;
    try {
      result = fns[i]!(action);
    } catch (error) {
      return toError(error);
    }
    if (result instanceof Promise) return finishAsync(stage, fns, action, i, result);
    if (result === false) return silentBlockError(action, stage);
  }
  return null;
}

async function finishAsync<S extends MiddlewareStage>(
  stage: S, fns: Middleware<S>[], action: StageAction<S>, from: number, pending: Promise<void | boolean>,
): Promise<Error | null> {
  try {
    if ((await pending) === false) return silentBlockError(action, stage);
    for (let i = from + 1; i < fns.length; i++) {
      if ((await fns[i]!(action)) === false) return silentBlockError(action, stage);
    }
  } catch (error) {
    return toError(error);
  }
  return null;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : namedError(ErrorName.Unknown, String(error));
}
