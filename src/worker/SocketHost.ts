/**
 * The narrow view a socket has of its worker: the codec, the ack timeout, the auth
 * engine, leaving a channel and the auth events. SocketWorker implements it; a socket
 * can be built and tested against anything else that does.
 *
 * @example
 * const host: SocketHost = { codec: jsonCodec, config: { ackTimeout: 1000 }, authEngine, unsubscribeSocket() {}, emit() {} };
 */
import type { Codec } from "../protocol/codec.ts";
import type { AuthEngine } from "../auth/AuthEngine.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { WorkerCounters } from "../metrics/WorkerCounters.ts";

export interface SocketHost {
  readonly codec: Codec;
  readonly config: { readonly ackTimeout: number };
  /** Where sends are counted (src/metrics/); absent in tests of a socket alone. */
  readonly counters?: WorkerCounters;
  authEngine(): AuthEngine;
  unsubscribeSocket(socket: ServerSocket, channel: string): void;
  emit(event: "authentication" | "deauthentication", socket: ServerSocket): void;
}
