/**
 * A Set's interface that keeps a single entry without a Set: the channels of a socket (most
 * sockets are on one entry) and the sockets of a worker's entry (a fresh entry has
 * one). A JS Set that has held one entry costs about 300 bytes and an allocation; this is
 * one small object until a second entry arrives.
 *
 * @example
 * const channels = new SmallSet<string>();
 * channels.add("chat/1");
 * channels.has("chat/1"); // true
 * [...channels]; // ["chat/1"]
 */
export class SmallSet<T> implements Iterable<T> {
  /** The only entry, while there is at most one (and `#many` is null). */
  #one: T | null = null;
  #many: Set<T> | null = null;

  get size(): number {
    return this.#many ? this.#many.size : this.#one === null ? 0 : 1;
  }

  has(entry: T): boolean {
    return this.#many ? this.#many.has(entry) : this.#one === entry;
  }

  add(entry: T): this {
    if (this.#many) this.#many.add(entry);
    else if (this.#one === null) this.#one = entry;
    else if (this.#one !== entry) {
      this.#many = new Set<T>([this.#one, entry]);
      this.#one = null;
    }
    return this;
  }

  delete(entry: T): boolean {
    if (this.#many) return this.#many.delete(entry);
    if (this.#one !== entry) return false;
    this.#one = null;
    return true;
  }

  clear(): void {
    this.#one = null;
    this.#many = null;
  }

  *values(): IterableIterator<T> {
    if (this.#many) yield* this.#many;
    else if (this.#one !== null) yield this.#one;
  }

  keys(): IterableIterator<T> {
    return this.values();
  }

  *entries(): IterableIterator<[T, T]> {
    for (const entry of this.values()) yield [entry, entry];
  }

  forEach(fn: (entry: T, same: T, set: this) => void): void {
    for (const entry of [...this.values()]) fn(entry, entry, this);
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.values();
  }
}
