/**
 * A link between two threads (or two parts of one thread in embedded mode): ordered
 * messages, batched per tick so a burst crosses a MessagePort as one array.
 *
 * @example
 * link.post({ t: "sub", ch: "chat" });
 * link.onMessage((message) => handle(message));
 */
export interface Link<In, Out> {
  /** Queue a message; all messages queued in one tick cross together, in order. */
  post(message: Out): void;
  /** Set the one receiver of this link's incoming messages. */
  onMessage(handler: (message: In) => void): void;
  close(): void;
}

/**
 * Collects messages and hands them to `flush` once per microtask checkpoint, or once per
 * event-loop turn with `perTurn` (setImmediate: after every socket the turn's I/O woke has
 * been handled, so a burst from many connections crosses a thread as one postMessage).
 */
export class TickBatcher<T> {
  #queue: T[] = [];
  #scheduled = false;
  readonly #schedule: (run: () => void) => void;
  constructor(private readonly flush: (batch: T[]) => void, perTurn = false) {
    this.#schedule = perTurn ? (run) => { setImmediate(run); } : queueMicrotask;
  }

  push(item: T): void {
    this.#queue.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => {
      const batch = this.#queue;
      this.#queue = [];
      this.#scheduled = false;
      this.flush(batch);
    });
  }
}
