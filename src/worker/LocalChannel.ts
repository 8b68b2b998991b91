/**
 * The shapes of a worker's channel table (channels.ts): one channel's local state, what
 * the table needs of its worker, and the options of a subscribe; and the native topic a
 * channel maps to.
 *
 * @example
 * topicOf("chat/1"); // "chat/1"
 */
import type { ServerSocket } from "./ServerSocket.ts";
import type { Member } from "../protocol/presence.ts";
import type { Publication, StreamPosition } from "../protocol/publication.ts";
import type { ServeHandle } from "../runtime/runtime.ts";
import type { ChannelNamespace } from "../config/namespaces.ts";
import type { BrokerLinks } from "./brokerLinks.ts";
import type { Conflator } from "./conflate.ts";
import type { WorkerCounters } from "../metrics/WorkerCounters.ts";
import type { FanoutHost } from "./deliverWithMiddleware.ts";
import type { SessionProtocol } from "./sessions/SessionProtocol.ts";
import type { Logger } from "../log/logger.ts";
import type { SmallSet } from "./SmallSet.ts";

export type Listener = (pub: Publication) => void;
/** A socket on a kept channel that has not joined the native topic yet. */
export interface Catchup { buffer: Publication[] | null; sent: number; epoch: string }

export interface LocalChannel {
  readonly name: string;
  readonly topic: string;
  readonly namespace: ChannelNamespace | null;
  /** Publications carry offsets (history or latest). */
  readonly kept: boolean;
  /** Offsets and epochs go on the wire (history). */
  readonly wire: boolean;
  readonly sockets: SmallSet<ServerSocket>;
  catching: Map<ServerSocket, Catchup> | null;
  listeners: Set<Listener> | null;
  /** The last offset this worker delivered live. */
  last: StreamPosition | null;
  conflator: Conflator | null;
  /** Publications this worker received for the channel (metrics: busiest channels). */
  pubs: number;
  /** Sessions of other wire protocols (Pusher) among `sockets`, by protocol; null when none (the SC-only path). */
  foreign: Map<SessionProtocol, number> | null;
}

export interface ChannelHost extends FanoutHost {
  readonly links: BrokerLinks;
  /** Open sockets by id: finds a publication's `skip` client. */
  readonly clients: ReadonlyMap<string, ServerSocket>;
  readonly counters?: WorkerCounters;
  readonly log?: Logger;
  serveHandle(): ServeHandle | null;
}

export interface SubscribeOptions {
  since?: StreamPosition;
  /** Presence channels: what subscribe middleware set as the member's info. */
  info?: Record<string, unknown> | null;
  /** Presence channels: the member's user when it is not the token's `sub` (Pusher's channel_data `user_id`). */
  user?: string;
  /** Presence channels: the member the broker registers before it answers (so the reply follows it). */
  member?: Member;
  /** Send the #subscribe reply (its data: the position on history channels). */
  reply(data?: unknown): void;
  /**
   * When the reply must wait for the broker: hold the socket's later packets instead of
   * returning a promise, if the caller can (holdInbound, src/worker/inboundHold.ts); the release,
   * given the reply's error if it threw, lets them go.
   */
  hold?(): ((error?: unknown) => void) | null;
  fail(error: Error): void;
}

/**
 * The native topic of a channel. Bun refuses empty topic names, and SocketCluster allows
 * an empty channel name, so "" gets a reserved name (NUL is refused in channel names).
 *
 * @example
 * topicOf("chat/1"); // "chat/1"
 */
export function topicOf(channel: string): string {
  return channel === "" ? "\u0000scx:empty" : channel;
}
