/**
 * How the supervisor bounds one thread's crash loop: each crash is restarted after a
 * delay that doubles from 50 ms to at most 5 s with the crashes in the last `windowMs`,
 * and past `max` of them within that window it gives up (scx cannot keep the thread alive).
 *
 * @example
 * const budget = new RestartBudget(10, 60_000);
 * const delay = budget.crashed(); // 50, 100, 200, …; null: give up
 */
export class RestartBudget {
  #recent: number[] = [];
  /** Crashes since the supervisor started (metrics: scx_thread_restarts_total). */
  total = 0;

  constructor(readonly max = 10, readonly windowMs = 60_000) {}

  /** Crashes within the window, as of the last `crashed()`. */
  get recent(): number {
    return this.#recent.length;
  }

  /** Count a crash now: the delay before the restart, or null when the budget is spent. */
  crashed(now = Date.now()): number | null {
    this.#recent = this.#recent.filter((time) => now - time < this.windowMs);
    this.#recent.push(now);
    this.total++;
    if (this.#recent.length > this.max) return null;
    return Math.min(50 * 2 ** (this.#recent.length - 1), 5000);
  }
}
