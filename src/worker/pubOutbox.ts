/**
 * What a worker keeps of its publications to one broker until that broker confirms it
 * forwarded them (`{ t: "fwd", s }`), so a broker crash loses nothing the worker has
 * acknowledged: its successor gets the rest again (`unconfirmed()`), and receivers drop
 * what they already had (`Seen`). Numbers start from the clock (ms × 1024) so a restarted
 * worker's numbers stay above its predecessor's (unless that one averaged over a
 * million publications a second to one broker). Bounded: past `limit` the oldest are no
 * longer kept (they were sent; only their replay is given up), counted and logged. Cheap:
 * one array slot per publication, no allocation.
 *
 * @example
 * const box = new PubOutbox(log, 0);
 * const message = box.keep({ t: "pub", ch: "chat", json: '"hi"' }); // message.s is set
 * box.confirm(message.s!);  // the broker forwarded it
 */
import type { WorkerToBroker } from "../threads/messages.ts";
import type { Logger } from "../log/logger.ts";
import { DropReport } from "../cluster/DropReport.ts";

export type PubMessage = Extract<WorkerToBroker, { t: "pub" }>;

/** Most publications kept for one broker (a dead or stalled one) before the oldest are dropped. */
export const outboxLimit = 100_000;

export class PubOutbox {
  #kept: PubMessage[] = [];
  #head = 0;
  #next = Date.now() * 1024;
  readonly #drops: DropReport;

  constructor(log: Logger, broker: number, private readonly limit = outboxLimit) {
    // Still sent: only the replay after a crash is given up for these.
    this.#drops = new DropReport(log, "Stopped keeping publications for replay: their broker has not confirmed them (dead or stalled), a crash now could lose them", () => ({ broker }));
  }

  /** Number the publication and keep it until confirmed. */
  keep(message: PubMessage): PubMessage {
    message.s = ++this.#next;
    if (this.#kept.length - this.#head >= this.limit) {
      this.#head++;
      this.#drops.count();
    }
    this.#kept.push(message);
    return message;
  }

  /** The broker forwarded everything up to `s`. */
  confirm(s: number): void {
    const kept = this.#kept;
    let head = this.#head;
    while (head < kept.length && kept[head]!.s! <= s) head++;
    if (head === kept.length) {
      kept.length = 0;
      this.#head = 0;
    } else if (head > 1024 && head * 2 > kept.length) {
      this.#kept = kept.slice(head);
      this.#head = 0;
    } else {
      this.#head = head;
    }
  }

  /** What the broker has not confirmed, oldest first (to replay to its successor). */
  *unconfirmed(): Generator<PubMessage> {
    for (let i = this.#head; i < this.#kept.length; i++) yield this.#kept[i]!;
  }

  get size(): number {
    return this.#kept.length - this.#head;
  }

  close(): void {
    this.#drops.close();
  }
}

/**
 * What a worker has received from one broker, by publishing worker: the highest number
 * seen. A publication numbered at or below it is a replay it already had.
 */
export class Seen {
  readonly #last = new Map<number, number>();

  /** True the first time (worker `w`, number `s`) or anything newer is seen. */
  fresh(w: number, s: number): boolean {
    const last = this.#last.get(w);
    if (last !== undefined && s <= last) return false;
    this.#last.set(w, s);
    return true;
  }
}
