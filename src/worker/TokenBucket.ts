/**
 * A token bucket: `burst` tokens at most, refilled at `rate` per second. O(1) per take,
 * no timer: the refill is computed from the time passed since the last take.
 *
 * @example
 * const bucket = new TokenBucket(10, 20, Date.now());
 * bucket.take(Date.now()); // true until 20 were taken within the same instant
 * bucket.retryAfter(); // ms until the next token, after a refused take
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(readonly rate: number, readonly burst: number, now: number) {
    this.#tokens = burst;
    this.#last = now;
  }

  /** Take one token if there is one; `now` in ms. */
  take(now: number): boolean {
    const elapsed = now - this.#last;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.rate) / 1000);
      this.#last = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until one token is available (0 when one is). */
  retryAfter(): number {
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) * 1000) / this.rate);
  }
}
