/**
 * The seam between the channel table and a wire protocol other than SocketCluster's
 * (Pusher's today). A session of such a protocol is a ServerSocket whose `protocol` is
 * not null: it sits in the same registries (worker.clients, a channel's `sockets`,
 * presence), so the server API, metrics and middleware cover it, but it joins its own
 * native topic per channel and gets its own frame, made once per worker and publication.
 * SocketCluster sockets (`protocol` null) keep their path untouched: a channel without
 * such sessions does no extra work per delivery.
 *
 * @example
 * class PusherSessions implements SessionProtocol { topic(ch) { return "\u0000pusher:" + ch; } ... }
 */
import type { Publication } from "../../protocol/publication.ts";
import type { BrokerToWorker } from "../../threads/messages.ts";

export interface SessionProtocol {
  /** Its name, for logs and metrics. */
  readonly name: string;
  /** The native topic its sessions join for a channel; never a SocketCluster topic (it starts with NUL). */
  topic(channel: string): string;
  /** The frame a publication reaches its sessions as; called once per worker and publication. */
  publicationFrame(pub: Publication): string;
  /** A presence join or leave on a channel it has sessions in (after SocketCluster's `#join`/`#leave`). */
  presenceEvent?(message: Extract<BrokerToWorker, { t: "pev" }>): void;
}
