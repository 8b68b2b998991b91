/**
 * Where a channel with history stands for this client: the offset and epoch it has
 * reached (from the #subscribe reply and every #publish carrying them), sent back as
 * `since` when it subscribes again, and the floor under which a publication of the same
 * epoch is a duplicate and dropped. Publications without an offset (ephemeral channels)
 * pass untouched.
 *
 * After a subscribe that recovers nothing, the position is the server's and the floor one
 * below it: publications up to the position happened before this subscription, except
 * the channel's latest one, which a `latest: true` channel sends right after the reply.
 *
 * @example
 * const position = new ChannelPosition();
 * position.settle({ offset: 12, epoch: "x9f2" }, undefined); // { recovered: false, offset: 12, epoch: "x9f2" }
 * position.accept(13, "x9f2"); // "accept"
 * position.accept(13, "x9f2"); // "duplicate"
 * position.since(); // { offset: 13, epoch: "x9f2" }
 */
import type { StreamPosition } from "../protocol/publication.ts";

/** The outcome of a subscribe on a channel with history, as the `subscribe` and `recovery` events carry it. */
export interface Recovery {
  /** True when the server replayed every publication after `since`; false when the app should reload. */
  recovered: boolean;
  /** The channel's latest offset and its epoch, from the reply (absent when the channel has no history). */
  offset?: number;
  epoch?: string;
}

/** What a publication's offset and epoch mean here: deliver it, drop it, or deliver it in a new epoch (history lost). */
export type Verdict = "accept" | "duplicate" | "newEpoch";

export class ChannelPosition {
  #offset = 0;
  #epoch: string | null = null;
  #floor = 0;

  /** The position reached, or null before the channel showed one. */
  get value(): StreamPosition | null {
    return this.#epoch === null ? null : { offset: this.#offset, epoch: this.#epoch };
  }

  /** What to send as `since` with #subscribe: the position reached, if any. */
  since(): StreamPosition | undefined {
    return this.value ?? undefined;
  }

  /** Start from `position` (an app's saved one), as if this client had reached it. */
  set(position: StreamPosition): void {
    this.#offset = this.#floor = position.offset;
    this.#epoch = position.epoch;
  }

  /** Forget the position: the next subscribe starts fresh. */
  reset(): void {
    this.#offset = this.#floor = 0;
    this.#epoch = null;
  }

  /**
   * The #subscribe reply `reply`, to a request that sent `since`: returns the recovery
   * result, or null for a channel without history that was not recovering.
   */
  settle(reply: unknown, since: StreamPosition | undefined): Recovery | null {
    const { offset, epoch, recovered } = (reply ?? {}) as { offset?: unknown; epoch?: unknown; recovered?: unknown };
    if (typeof offset !== "number" || typeof epoch !== "string") {
      this.reset();
      return since ? { recovered: false } : null;
    }
    const ok = since !== undefined && recovered === true && epoch === since.epoch;
    // Recovered: the replay follows, from `since` on; what arrives is checked against it.
    if (!ok) {
      this.#offset = offset;
      this.#floor = offset - 1;
      this.#epoch = epoch;
    }
    return { recovered: ok, offset, epoch };
  }

  /** A publication's `offset` and `epoch` (either absent on ephemeral channels). */
  accept(offset: unknown, epoch: unknown): Verdict {
    if (typeof offset !== "number" || typeof epoch !== "string") return "accept";
    if (epoch === this.#epoch) {
      if (offset <= this.#floor) return "duplicate";
      this.#floor = offset;
      if (offset > this.#offset) this.#offset = offset;
      return "accept";
    }
    const known = this.#epoch !== null;
    this.#offset = this.#floor = offset;
    this.#epoch = epoch;
    return known ? "newEpoch" : "accept";
  }
}
