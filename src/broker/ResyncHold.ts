/**
 * A restarted broker's hold: its channel table is rebuilt from the channel lists the
 * workers (and the main thread) send when they reattach, and until each awaited thread has
 * sent its list, or `timeoutMs` passed, publications are held, so none overtakes a list
 * and misses that thread's subscribers. Then `release` gets what was held, in order.
 *
 * @example
 * const hold = new ResyncHold<Pub>((held, why) => held.forEach(publish));
 * hold.expect([0, 1]);
 * if (hold.active) hold.push(pub); else publish(pub);
 * hold.resynced(0); hold.resynced(1); // releases
 */
export class ResyncHold<T> {
  readonly #awaiting = new Set<number>();
  #held: T[] | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly release: (held: T[], why?: string) => void, private readonly timeoutMs = 2000) {}

  /** Whether publications are being held (a check, so the publish path allocates nothing otherwise). */
  get active(): boolean {
    return this.#held !== null;
  }

  push(item: T): void {
    this.#held!.push(item);
  }

  /** Hold until these threads (worker ids, -1 for the main thread) have sent their lists. */
  expect(ids: readonly number[]): void {
    if (ids.length === 0) return;
    for (const id of ids) this.#awaiting.add(id);
    this.#held ??= [];
    this.#timer ??= setTimeout(() => this.#done("timed out"), this.timeoutMs);
  }

  /** The thread sent its list, or is gone: the last awaited one releases the hold. */
  resynced(id: number): void {
    if (this.#awaiting.delete(id) && this.#awaiting.size === 0) this.#done();
  }

  #done(why?: string): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#awaiting.clear();
    const held = this.#held ?? [];
    this.#held = null;
    this.release(held, why);
  }
}
