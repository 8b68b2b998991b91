/**
 * Events both as callbacks (`on`, `off`) and as async iterables (`listener(name)`, with
 * `once()`), the two styles SocketCluster users know.
 *
 * @example
 * socket.on("connect", (status) => console.log(status.id));
 * for await (const event of socket.listener("kickOut")) console.log(event.channel);
 */
type Handler = (value: any) => void;

export interface EventStream<T> extends AsyncIterable<T> {
  /** The next event. */
  once(): Promise<T>;
}

export class Listeners {
  readonly #handlers = new Map<string, Set<Handler>>();
  /** Ends the open `for await` loops, by event name. */
  readonly #enders = new Map<string, Set<() => void>>();

  /** Call `handler` on every `name` event; returns a function that stops it. */
  on(name: string, handler: Handler): () => void {
    let set = this.#handlers.get(name);
    if (!set) this.#handlers.set(name, set = new Set());
    set.add(handler);
    return () => this.off(name, handler);
  }

  off(name: string, handler: Handler): void {
    this.#handlers.get(name)?.delete(handler);
  }

  emit(name: string, value?: unknown): void {
    const set = this.#handlers.get(name);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(value);
      } catch (error) {
        // One throwing handler must not starve the others, nor the socket's own state.
        queueMicrotask(() => { throw error; });
      }
    }
  }

  has(name: string): boolean {
    return (this.#handlers.get(name)?.size ?? 0) > 0;
  }

  /** Finish every `for await` loop over `name` (after what it buffered) and drop its handlers. */
  close(name: string): void {
    for (const end of [...this.#enders.get(name) ?? []]) end();
    this.#handlers.delete(name);
  }

  /** Close every event name. */
  closeAll(): void {
    for (const name of new Set([...this.#handlers.keys(), ...this.#enders.keys()])) this.close(name);
  }

  listener<T = any>(name: string): EventStream<T> {
    const once = () => new Promise<T>((resolve) => {
      const off = this.on(name, (value) => { off(); resolve(value); });
    });
    const iterate = (): AsyncIterator<T> => {
      const buffered: T[] = [];
      let waiting: ((result: IteratorResult<T>) => void) | null = null;
      let ended = false;
      const off = this.on(name, (value) => {
        if (!waiting) return void buffered.push(value);
        const resolve = waiting;
        waiting = null;
        resolve({ value, done: false });
      });
      const enders = this.#enders.get(name) ?? new Set<() => void>();
      this.#enders.set(name, enders);
      const end = () => {
        ended = true;
        off();
        enders.delete(end);
        waiting?.({ value: undefined, done: true });
        waiting = null;
      };
      enders.add(end);
      return {
        next: () => {
          if (buffered.length) return Promise.resolve({ value: buffered.shift()!, done: false });
          if (ended) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => { waiting = resolve; });
        },
        return: () => {
          end();
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    };
    return { once, [Symbol.asyncIterator]: iterate };
  }
}
