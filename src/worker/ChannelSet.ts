/**
 * The channels one socket is subscribed to: a Set's interface, but a socket on one
 * channel (the common case) keeps just the name. A JS Set that has held one entry costs
 * about 300 bytes; this costs one small object until a second channel arrives.
 *
 * @example
 * const channels = new ChannelSet();
 * channels.add("chat/1");
 * channels.has("chat/1"); // true
 * [...channels]; // ["chat/1"]
 */
export class ChannelSet implements Iterable<string> {
  /** The only channel, while there is at most one (and `#many` is null). */
  #one: string | null = null;
  #many: Set<string> | null = null;

  get size(): number {
    return this.#many ? this.#many.size : this.#one === null ? 0 : 1;
  }

  has(channel: string): boolean {
    return this.#many ? this.#many.has(channel) : this.#one === channel;
  }

  add(channel: string): this {
    if (this.#many) this.#many.add(channel);
    else if (this.#one === null) this.#one = channel;
    else if (this.#one !== channel) {
      this.#many = new Set([this.#one, channel]);
      this.#one = null;
    }
    return this;
  }

  delete(channel: string): boolean {
    if (this.#many) return this.#many.delete(channel);
    if (this.#one !== channel) return false;
    this.#one = null;
    return true;
  }

  clear(): void {
    this.#one = null;
    this.#many = null;
  }

  *values(): IterableIterator<string> {
    if (this.#many) yield* this.#many;
    else if (this.#one !== null) yield this.#one;
  }

  keys(): IterableIterator<string> {
    return this.values();
  }

  *entries(): IterableIterator<[string, string]> {
    for (const channel of this.values()) yield [channel, channel];
  }

  forEach(fn: (channel: string, same: string, set: this) => void): void {
    for (const channel of [...this.values()]) fn(channel, channel, this);
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.values();
  }
}
