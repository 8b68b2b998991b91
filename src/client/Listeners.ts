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
        queueMicrotask(() => { throw error; });
      }
    }
  }

  has(name: string): boolean {
    return (this.#handlers.get(name)?.size ?? 0) > 0;
  }

  listener<T = any>(name: string): EventStream<T> {
    const once = () => new Promise<T>((resolve) => {
      const off = this.on(name, (value) => { off(); resolve(value); });
    });
    const iterate = (): AsyncIterator<T> => {
      const buffered: T[] = [];
      let waiting: ((result: IteratorResult<T>) => void) | null = null;
      const off = this.on(name, (value) => {
        if (waiting) {
          const resolve = waiting;
          waiting = null;
          resolve({ value, done: false });
        } else buffered.push(value);
      });
      return {
        next: () => buffered.length
          ? Promise.resolve({ value: buffered.shift()!, done: false })
          : new Promise((resolve) => { waiting = resolve; }),
        return: () => {
          off();
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    };
    return { once, [Symbol.asyncIterator]: iterate };
  }
}
