/**
 * The cluster engine seam: carries publications (src/protocol/publication.ts) between
 * hosts, and only that. Local delivery stays in the broker; an engine never echoes a
 * host's own ephemeral publications back to it, so every subscriber gets each exactly once.
 *
 * Contract (tests/cluster.contract.ts runs it against every implementation):
 * - `subscribe(ch)` makes later publications on `ch` from other hosts arrive through
 *   `onPublication`; `unsubscribe(ch)` stops them. Both are idempotent. When `subscribe`
 *   returns a Promise, the subscription is effective once it resolves (Redis: after the
 *   SUBSCRIBE reply, or at once while the shard is down, since nothing crosses hosts
 *   then); it rejects with a named error (ErrorName.Broker) when Redis does not answer in
 *   time; the engine stays subscribed either way (call `unsubscribe` to give up).
 * - `publish(pub)` (ephemeral channels: no offset) reaches every other host subscribed to
 *   `pub.ch`, in publish order; never the publishing host itself.
 * - `history`, when present, is a store shared by every host. When its `publishesToHosts`
 *   is true, its `append` also delivers the publication, with offset and epoch, through
 *   `onPublication` on EVERY host subscribed to the channel, this one included, in offset
 *   order: the broker then neither calls `publish` nor delivers it locally itself.
 * - `settle()` resolves once every `subscribe` and `unsubscribe` called so far has taken
 *   effect (at once on the memory engine).
 * - While the engine is down, `publish` drops (nothing buffers without bound) and
 *   `state()` says so; on recovery every subscribed channel is subscribed again. A
 *   backend that hangs (Redis stopped, its sockets open) counts as down within a bounded
 *   time, and what is dropped while it lasts is counted and logged (not only on recovery).
 *
 * @example
 * engine.onPublication((pub) => broker.deliver(pub));
 * await engine.subscribe("chat");
 * engine.publish({ ch: "chat", json: '"hi"' });
 */
import type { Publication } from "../protocol/publication.ts";
import type { HistoryStore } from "../history/HistoryStore.ts";
import type { ConnectionCapStore } from "./ConnectionCapStore.ts";
import type { PresenceStore } from "../presence/PresenceStore.ts";
import type { WebhookStore } from "../webhooks/WebhookStore.ts";

export type EngineState = "ready" | "connecting" | "down";

export interface ClusterEngine {
  publish(pub: Publication): void;
  subscribe(channel: string): void | Promise<void>;
  unsubscribe(channel: string): void;
  onPublication(handler: (pub: Publication) => void): void;
  onStateChange?(handler: (state: EngineState) => void): void;
  state(): EngineState;
  /** Resolves when every subscribe and unsubscribe so far has taken effect. */
  settle(): Promise<void>;
  /** A history store every host shares (Redis); absent: each broker keeps its own. */
  readonly history?: HistoryStore;
  /** Connection caps counted across hosts (Redis); absent: each broker counts for its host. */
  readonly caps?: ConnectionCapStore;
  /** A presence store every host shares (Redis), whose join/leave events reach every host; absent: each broker keeps its own. */
  readonly presence?: PresenceStore;
  /** Webhook queues and occupancy every host shares (Redis); absent: each broker keeps its own. */
  readonly webhooks?: WebhookStore;
  close(): Promise<void>;
}
