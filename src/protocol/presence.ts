/**
 * Presence on the wire and between threads: a member is one connection in a channel
 * (`#presence` lists them, `#join`/`#leave` carry one), `#presenceStats` counts them.
 *
 * @example
 * const member: Member = { client: "k3x9", user: "ann", info: { name: "Ann" } };
 * const stats: PresenceStats = { clients: 3, users: 2 };
 */

/** One connection in a channel: its socket id, its token's `sub` (or null), and what subscribe middleware set. */
export interface Member {
  client: string;
  user: string | null;
  info: Record<string, unknown> | null;
}

/** `#presenceStats`: connections, and distinct non-null users. */
export interface PresenceStats {
  clients: number;
  users: number;
}
