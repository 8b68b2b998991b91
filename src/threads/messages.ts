/**
 * The messages that cross between socket workers and brokers. A publication travels as
 * data (channel, data as JSON text, offset/epoch where the channel keeps publications):
 * its data is encoded once on the publishing worker, and each receiving worker splices
 * it into its protocol's frame once, however many sockets get it.
 *
 * Requests that want an answer carry an `id` (unique per worker); the broker answers
 * with the same id, on the same link, after every publication it delivered before.
 *
 * @example
 * link.post({ t: "pub", ch: "chat/1", json: '"hi"', id: 4 }); // answered by { t: "pubAck", id: 4, position }
 */
import type { Publication, StreamPosition } from "../protocol/publication.ts";
import type { Member, PresenceStats } from "../protocol/presence.ts";
import type { WebhookEvent } from "../webhooks/WebhookEvent.ts";

export interface ErrorRecord { name: string; message: string }

export type WorkerToBroker =
  /**
   * This worker wants the channel. With `id`, answered by a subAck with that id (kept
   * channels: with the position and what `read` asked for); without, by `{ t: "subAck", ch }`.
   * On presence channels it carries the joining `member`, or `members`: every socket of the
   * worker that joined the channel in one event-loop turn (one answer for all of them).
   * `quiet`: not answered at all; a sole worker, sent every publication anyway, waits for
   * nothing (src/config/soleWorkerId.ts).
   */
  | { t: "sub"; ch: string; id?: number; read?: SubRead; member?: Member; members?: Member[]; quiet?: 1 }
  /** A member leaves a presence channel (its socket unsubscribed or closed). */
  | { t: "leave"; ch: string; client: string }
  /** Read a presence channel: its members (null above `limit`), or with `stats` its counts. */
  | { t: "presence"; id: number; ch: string; limit?: number; stats?: boolean }
  | { t: "unsub"; ch: string }
  /**
   * A publication; with `id`, answered by a pubAck (the position on kept channels, or an error).
   * Without `id`, `s` numbers it (per worker and broker, ascending): the worker keeps it
   * until the broker confirms it with a `fwd`, and replays it to a restarted broker.
   */
  | { t: "pub"; ch: string; json: string | undefined; id?: number; at?: number; s?: number; skip?: string }
  /** Read a kept channel's history (`#history`, exchange.history). */
  | { t: "hist"; id: number; ch: string; since?: StreamPosition; limit?: number }
  /**
   * Take a connection cap's slot of `key` (`ip:<address>`, `user:<sub>`) if fewer than
   * `limit` are taken; answered by a capAck. Without `limit` (a restarted broker being told
   * what is held) the slot is taken whatever the count, and without `id` nothing answers.
   */
  | { t: "cap"; key: string; id?: number; limit?: number }
  /** Give a connection cap's slot back (the socket closed or changed user). */
  | { t: "uncap"; key: string }
  /** A lifecycle event for webhooks (connect, subscribe, …), to the broker of its channel ("" without one). */
  | { t: "wh"; ev: WebhookEvent }
  /** Sent after a broker restart: every channel this worker has local subscribers for. */
  | { t: "resync"; chs: string[]; members?: Array<{ ch: string; member: Member }> };

/** What a subscribe on a kept channel reads: publications after `since` (recovery), or the latest one. */
export type SubRead = { since: StreamPosition } | { latest: true } | { position: true };

export type BrokerToWorker =
  | { t: "subAck"; ch: string; id?: number; position?: StreamPosition; pubs?: Publication[]; complete?: boolean; error?: ErrorRecord }
  | { t: "pubAck"; id: number; position?: StreamPosition; error?: ErrorRecord }
  | { t: "histAck"; id: number; pubs?: Publication[]; position?: StreamPosition; error?: ErrorRecord }
  | { t: "presenceAck"; id: number; members?: Member[] | null; stats?: PresenceStats; error?: ErrorRecord }
  /** A member joined or left a channel with joinLeave: sent to every worker with subscribers. */
  | { t: "pev"; ch: string; join: boolean; member: Member }
  | { t: "capAck"; id: number; ok: boolean }
  /** The broker's cluster engine changed state (for /readyz). */
  | { t: "engine"; state: "ready" | "connecting" | "down" }
  /** Every numbered publication up to `s` from this worker has been forwarded: it may forget them. */
  | { t: "fwd"; s: number }
  /**
   * A publication (the Publication fields beside `t`, so nothing is wrapped twice). From a
   * numbered one, `w` (the publishing worker) and `s` (its number) let a receiver drop
   * what a restarted broker replays and it already had.
   */
  | ({ t: "pub"; at?: number; w?: number; s?: number } & Publication);
