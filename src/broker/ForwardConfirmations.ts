/**
 * A broker's `fwd` confirmations: for each worker link, the newest numbered publication
 * from it that has been forwarded, sent back a few milliseconds later so the worker may
 * forget it (src/worker/pubOutbox.ts). A timer, not a microtask: it runs after the
 * batches of this turn's deliveries have been posted, and a steady stream costs ~200
 * confirmations a second, not one per turn.
 *
 * @example
 * const confirmations = new ForwardConfirmations();
 * confirmations.forwarded(link, 41); // link gets { t: "fwd", s: 41 } within 5 ms
 */
import type { Link } from "../threads/Link.ts";
import type { BrokerToWorker, WorkerToBroker } from "../threads/messages.ts";

const confirmEveryMs = 5;

type WorkerLink = Link<WorkerToBroker, BrokerToWorker>;

export class ForwardConfirmations {
  readonly #newest = new Map<WorkerLink, number>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** Publication `s` from this link has been forwarded (and every one before it). */
  forwarded(link: WorkerLink, s: number): void {
    this.#newest.set(link, s);
    this.#timer ??= setTimeout(this.#send, confirmEveryMs);
  }

  readonly #send = (): void => {
    this.#timer = null;
    for (const [link, s] of this.#newest) link.post({ t: "fwd", s });
    this.#newest.clear();
  };

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
