/**
 * The presence store seam: who is in each presence channel (namespaces with `presence` or
 * `joinLeave`), with counters for `#presenceStats`. Implementations: memory.ts (inside the
 * broker that owns the channel: one host) and redis.ts (shared by every host, with
 * per-host liveness so a killed host's members go away by themselves).
 *
 * Contract (tests/presence.contract.ts runs it against every implementation):
 * - A member is one connection in one channel, keyed by `client`: `add` of a client
 *   already there replaces its entry and is no join (answers false); `remove` of a client
 *   not there is no leave (answers null). So a repeated add or remove never sends a
 *   second event, and only one caller ever gets each member back from `remove`.
 * - `stats` is `{ clients, users }` (distinct non-null users) from counters kept on every
 *   add and remove: its cost does not grow with the channel.
 * - `members(ch, limit)` lists the channel's members, or answers null when there are more
 *   than `limit` (nothing big crosses a thread for a refused read).
 * - `announce` (the namespace's `joinLeave`): when `publishesToHosts` is false the caller
 *   sends the join/leave events itself from what add/remove answer; when it is true (Redis)
 *   the store sends them through `onEvent` on every host watching the channel, this one
 *   included, in the same atomic step as the change, and a dead host's members are
 *   removed (with their leave events, sent once) within the store's ttl.
 * - When the backing store is unreachable, every method rejects with a named error
 *   (ErrorName.Broker) within a bounded time; nothing hangs forever.
 *
 * @example
 * await store.add("room/1", { client: "s1", user: "ann", info: null }, true); // true: a join
 * await store.stats("room/1"); // { clients: 1, users: 1 }
 */

import type { Member, PresenceStats } from "../protocol/presence.ts";

export type { Member, PresenceStats };

/** A join (`join: true`) or leave of one member. */
export interface PresenceEvent {
  ch: string;
  join: boolean;
  member: Member;
}

type Maybe<T> = T | Promise<T>;

export interface PresenceStore {
  /** True when the store itself sends join/leave events to every host (through `onEvent`). */
  readonly publishesToHosts: boolean;
  /** Register a member; true when it is new (a join). */
  add(ch: string, member: Member, announce: boolean): Maybe<boolean>;
  /** Remove a member; the member when it was there (a leave), else null. */
  remove(ch: string, client: string): Maybe<Member | null>;
  /** Every member, or null when there are more than `limit`. */
  members(ch: string, limit: number): Maybe<Member[] | null>;
  stats(ch: string): Maybe<PresenceStats>;
  /** Events from every host (stores that publish to hosts). */
  onEvent?(handler: (event: PresenceEvent) => void): void;
  /** This host's members were removed behind its back (Redis out of reach past the ttl): add them again. */
  onSwept?(handler: () => void): void;
  close(): Promise<void>;
}
