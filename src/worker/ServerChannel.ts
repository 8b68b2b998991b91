/**
 * A server-side channel subscription, like SocketCluster's AGChannel on the server:
 * iterate it with `for await`, or `watch(fn)`; `unsubscribe()` (or `close()`) ends it.
 * Publications arrive as their data, in order; `publications()` iterates them with
 * their offset and epoch (history channels).
 *
 * @example
 * const channel = await scx.exchange.subscribe("chat/1");
 * for await (const data of channel) console.log(data);
 */
import type { Publication } from "../protocol/publication.ts";

export interface ServerPublication { data: unknown; offset?: number; epoch?: string }

export class ServerChannel implements AsyncIterable<unknown> {
  readonly #watchers = new Set<(data: unknown, pub: ServerPublication) => void>();
  readonly #queue: ServerPublication[] = [];
  #wake: (() => void) | null = null;
  #iterating = false;
  #closed = false;
  #unsubscribe: (() => void) | null = null;

  constructor(readonly name: string) {}

  /** Called by the exchange once the channel's broker knows (internal). */
  attach(unsubscribe: () => void): void {
    if (this.#closed) unsubscribe();
    else this.#unsubscribe = unsubscribe;
  }

  /** Called for each publication (internal). */
  receive(pub: Publication): void {
    if (this.#closed) return;
    const item: ServerPublication = { data: pub.json === undefined ? undefined : JSON.parse(pub.json) };
    if (pub.offset !== undefined) Object.assign(item, { offset: pub.offset, epoch: pub.epoch });
    for (const watcher of this.#watchers) watcher(item.data, item);
    if (!this.#iterating) return;
    this.#queue.push(item);
    this.#wake?.();
  }

  /** Call `fn` with each publication's data (and the publication); returns a function that stops watching. */
  watch(fn: (data: unknown, pub: ServerPublication) => void): () => void {
    this.#watchers.add(fn);
    return () => this.#watchers.delete(fn);
  }

  get isSubscribed(): boolean {
    return !this.#closed;
  }

  /** Stop receiving; iterations end after what is already queued. */
  unsubscribe(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    this.#watchers.clear();
    this.#wake?.();
  }

  close(): void {
    this.unsubscribe();
  }

  /** Every publication with its offset and epoch. */
  async *publications(): AsyncGenerator<ServerPublication> {
    this.#iterating = true;
    for (;;) {
      const item = this.#queue.shift();
      if (item) {
        yield item;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => { this.#wake = resolve; });
      this.#wake = null;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<unknown> {
    for await (const item of this.publications()) yield item.data;
  }
}
