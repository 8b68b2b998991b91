/**
 * The webhook store seam: each target's delivery queue, and the cluster-wide state that
 * decides `channel_occupied`/`channel_vacated` and `member_added`/`member_removed`.
 * Implementations: memory.ts (inside one broker: one host) and redis.ts (shared by every
 * host, so pending deliveries outlive the process that queued them).
 *
 * Contract (tests/webhooks.contract.ts runs it against every implementation):
 * - Queue: events (JSON text) wait in lanes (a channel, or "" for connection events) of a
 *   target. `push` appends in order and answers how many it refused because the target
 *   already holds `limit` events. `claim` leases ready lanes (not leased, not backing off)
 *   and answers their first events, in order, at most `max` in all, each lane with a
 *   `token`; a lane that has failed before (attempts > 0) is claimed alone; a leased lane is claimed by nobody else until it is acked, retried, dropped,
 *   or its lease (`leaseMs`) runs out (its holder died). `ack` and `drop` remove the first
 *   `count` events of a lane; `retry` frees it with its next try at `at` and remembers
 *   `attempts` and `since` (the first failure), which the next claim answers. Any of the
 *   three with a token that no longer holds the lease does nothing, so events are never
 *   removed twice. `queued` is the number of events the target holds.
 * - Occupancy (per target, since each has its own `vacateDelay`): `occupy` of a channel by
 *   a host answers true only when the channel was not occupied anywhere and no vacate is
 *   pending (a host coming back within the delay is no new occupation). `vacate` answers a
 *   token when the last host left; `vacated(token)` answers true once, and only if no
 *   host occupied the channel since.
 * - Liveness: `beat` marks a host alive for `ttlMs`; a host that stops beating (killed)
 *   leaves every channel it occupied, as if it had vacated them, and its members' 
 *   connections leave too. `beat` answers (`vacated`) the channels whose pending vacate
 *   is `graceMs` past its due time (`vacateDelay` after it began) with nobody back and
 *   nobody having confirmed it: its holder died; and (`left`) the users whose last
 *   connection in a channel was the dead host's. Each is answered once, to one caller,
 *   which sends channel_vacated or member_removed.
 * - Members (per target, like occupancy): `userJoin` answers true for a user's first
 *   connection in a channel (on any host), `userLeave` true when its last one left.
 * - When the backing store is unreachable, every method rejects within a bounded time.
 *
 * @example
 * await store.push("t1", [{ lane: "chat", events: ['{"name":"subscribe"}'] }], 100_000); // 0 refused
 * const [claim] = await store.claim("t1", Date.now(), 100, 10_000);
 * await store.ack("t1", claim.lane, claim.token, claim.events.length);
 */

type Maybe<T> = T | Promise<T>;

/** A leased lane and its first events. */
export interface Claim {
  lane: string;
  token: string;
  events: string[];
  /** Failed tries of these events so far (0: first try). */
  attempts: number;
  /** Epoch ms of the first failed try (0 when none failed). */
  since: number;
}

export interface LanePush {
  lane: string;
  events: string[];
}

export interface BeatOptions {
  /** How long this beat keeps the host alive (ms). */
  ttlMs: number;
  /** The target's vacateDelay: when a dead host's channels are due. */
  vacateDelayMs: number;
  /** How long past due a pending vacate waits for its own host before anyone takes it. */
  graceMs: number;
}

/** What a beat found its dead hosts left behind. */
export interface BeatResult {
  /** Channels to send channel_vacated for. */
  vacated: string[];
  /** Users whose last connection in a channel was on a dead host: member_removed. */
  left: Array<{ ch: string; user: string }>;
}

export interface WebhookStore {
  push(target: string, lanes: LanePush[], limit: number): Maybe<number>;
  claim(target: string, now: number, max: number, leaseMs: number): Maybe<Claim[]>;
  ack(target: string, lane: string, token: string, count: number): Maybe<void>;
  retry(target: string, lane: string, token: string, at: number, attempts: number, since: number): Maybe<void>;
  drop(target: string, lane: string, token: string, count: number): Maybe<void>;
  queued(target: string): Maybe<number>;
  occupy(target: string, ch: string, host: string): Maybe<boolean>;
  vacate(target: string, ch: string, host: string, delayMs: number): Maybe<string | null>;
  vacated(target: string, ch: string, token: string): Maybe<boolean>;
  beat(target: string, host: string, options: BeatOptions): Maybe<BeatResult>;
  userJoin(target: string, ch: string, user: string, host: string): Maybe<boolean>;
  userLeave(target: string, ch: string, user: string, host: string): Maybe<boolean>;
  close(): Promise<void>;
}

/** A lease token (random, short). */
export function leaseToken(): string {
  return crypto.randomUUID().slice(0, 13);
}
