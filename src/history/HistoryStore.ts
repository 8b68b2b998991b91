/**
 * The history store seam: keeps recent publications of channels whose namespace asks for
 * it (`history`, or `latest`), assigns their offsets and epochs, and reads them back for
 * recovery, `#history` and `latest`. Implementations: memory.ts (inside the broker that
 * owns the channel: one host) and redis.ts (shared by every host).
 *
 * Contract (tests/history.contract.ts runs it against every implementation):
 * - `append` gives the channel's next offset, +1 per publication, starting at 1 in a new
 *   epoch. Positions are assigned in one order that every reader (and, for Redis, every
 *   host receiving the publication) agrees on.
 * - The epoch is a non-empty string that stays the same while the history is continuous
 *   and changes whenever it is lost or reset (a memory store restarted, Redis keys
 *   expired or flushed); offsets then start again at 1.
 * - At most `keep.size` publications are kept; entries older than `keep.ttl` seconds are
 *   never returned; a channel with no append for `keep.ttl` is forgotten (memory stays
 *   bounded), so its next use starts a new epoch.
 * - A channel with no history yet has a position (offset 0 and an epoch, from `position`
 *   or `read`) that its first append keeps.
 * - `read` without `since` returns the latest `limit` kept publications; with `since`,
 *   the first `limit` after `since.offset`, and `complete` tells whether nothing between
 *   `since.offset` and the current offset is missing (same epoch, nothing trimmed).
 *   Publications are ascending by offset. `position` is the channel's current position.
 * - When the backing store is unreachable, every method rejects with a named error
 *   (ErrorName.Broker) within a bounded time; nothing hangs forever.
 *
 * @example
 * const { offset, epoch } = await store.append("chat/1", '"hi"', { size: 100, ttl: 600 });
 * const { publications, complete } = await store.read("chat/1", { since: { offset: 3, epoch }, limit: 100 });
 */
import type { Publication, StreamPosition } from "../protocol/publication.ts";

export interface KeepOptions {
  /** Most publications kept. */
  size: number;
  /** Seconds each publication is kept. */
  ttl: number;
}

export interface ReadOptions {
  since?: StreamPosition;
  /** Most publications returned (at most keep.size). */
  limit?: number;
}

export interface ReadResult {
  /** Ascending by offset, each with its offset and epoch set. */
  publications: Publication[];
  /** The channel's current position. */
  position: StreamPosition;
  /** With `since`: true when the epoch matches and every publication after `since.offset` is here or follows `limit`. */
  complete: boolean;
}

export interface HistoryStore {
  /**
   * True when `append` also delivers the publication (with offset and epoch) to every
   * host subscribed to the channel, this one included, through the cluster engine's
   * `onPublication`, in offset order (Redis). The broker then delivers only what the
   * engine hands it. False (memory): the broker delivers the appended publication itself.
   */
  readonly publishesToHosts: boolean;
  /** `skip`: a client id the delivered publication carries (stores that publish to hosts). */
  append(channel: string, json: string | undefined, keep: KeepOptions, skip?: string): StreamPosition | Promise<StreamPosition>;
  read(channel: string, options: ReadOptions, keep: KeepOptions): ReadResult | Promise<ReadResult>;
  /** The current position; a channel with no history gets its epoch now (offset 0), kept for `keep.ttl`. */
  position(channel: string, keep: KeepOptions): StreamPosition | Promise<StreamPosition>;
  close(): Promise<void>;
}
