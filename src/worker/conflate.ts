/**
 * Conflation for one channel on one worker: a leading and trailing throttle. The first
 * publication goes out at once; after it, at most one per interval, always the newest
 * that arrived meanwhile, and the last of a burst is never lost (it goes out when the
 * interval ends). Every subscriber on the worker shares it, so each gets at most one
 * publication per interval without a timer per socket.
 *
 * @example
 * const throttle = new Conflator(100, (pub) => deliver(pub));
 * throttle.push(pub); // delivered now; the next ones wait for the interval
 */
import type { Publication } from "../protocol/publication.ts";

export class Conflator {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #pending: Publication | null = null;

  constructor(private readonly interval: number, private readonly deliver: (pub: Publication) => void) {}

  push(pub: Publication): void {
    if (this.#timer) {
      this.#pending = pub;
      return;
    }
    this.deliver(pub);
    this.#start();
  }

  #start(): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      const pending = this.#pending;
      if (!pending) return;
      this.#pending = null;
      this.deliver(pending);
      this.#start();
    }, this.interval);
  }

  /** Stop (the channel has no subscribers left here); a pending publication is dropped. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = null;
  }
}
