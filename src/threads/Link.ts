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

/** Collects messages and hands them to `flush` once per microtask checkpoint. */
export class TickBatcher<T> {
  #queue: T[] = [];
  #scheduled = false;
  constructor(private readonly flush: (batch: T[]) => void) {}

  push(item: T): void {
    this.#queue.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      const batch = this.#queue;
      this.#queue = [];
      this.#scheduled = false;
      this.flush(batch);
    });
  }
}
