/**
 * Counts what an outage drops and says so while it lasts: the first line a second after
 * the first drop, then one every `everyMs` (5 s) while drops go on, each with the count
 * since the line before and the total; silent again after a quiet `everyMs`. Never a line per drop.
 *
 * @example
 * const drops = new DropReport(log, "Dropped publications for other hosts: Redis is down or hung");
 * drops.count();          // a publication could not be sent
 * drops.close();          // the engine is closing: no more lines
 */
import type { Logger } from "../log/logger.ts";

export class DropReport {
  #total = 0;
  #sinceLine = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly log: Logger,
    private readonly message: string,
    private readonly fields: () => Record<string, unknown> = () => ({}),
    private readonly firstMs = 1000,
    private readonly everyMs = 5000,
  ) {}

  /** Everything dropped so far. */
  get total(): number {
    return this.#total;
  }

  count(n = 1): void {
    this.#total += n;
    this.#sinceLine += n;
    this.#timer ??= setTimeout(() => this.#line(), this.firstMs);
  }

  /** Stop reporting (the owner is closing). */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #line(): void {
    if (this.#sinceLine === 0) {
      this.#timer = null;
      return;
    }
    this.log.warn(this.message, { ...this.fields(), dropped: this.#sinceLine, droppedTotal: this.#total });
    this.#sinceLine = 0;
    this.#timer = setTimeout(() => this.#line(), this.everyMs);
  }
}
