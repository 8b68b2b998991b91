/**
 * Connection caps' counters: how many connections hold a slot of a key (`ip:<address>`,
 * `user:<sub>`). The memory store counts for one host (one broker per key: the worker
 * sends each key to the broker its hash picks); the Redis store (redisCaps.ts) counts
 * across hosts.
 *
 * Contract: `acquire(key, limit)` takes a slot and answers true when fewer than `limit`
 * are taken (every host's, with a shared store), else answers false and takes none;
 * `limit` Infinity always takes one. `release(key)` gives one back (never below zero).
 * A shared store rejects when it cannot answer (Redis down): callers let the connection in.
 *
 * @example
 * const caps = new MemoryConnectionCaps();
 * await caps.acquire("user:alice", 2); // true
 * caps.release("user:alice");
 */
export interface ConnectionCapStore {
  acquire(key: string, limit: number): boolean | Promise<boolean>;
  release(key: string): void;
  close(): Promise<void>;
}

export class MemoryConnectionCaps implements ConnectionCapStore {
  readonly #counts = new Map<string, number>();

  acquire(key: string, limit: number): boolean {
    const count = this.#counts.get(key) ?? 0;
    if (count >= limit) return false;
    this.#counts.set(key, count + 1);
    return true;
  }

  release(key: string): void {
    const count = this.#counts.get(key) ?? 0;
    if (count <= 1) this.#counts.delete(key);
    else this.#counts.set(key, count - 1);
  }

  /** Slots taken of a key (for tests). */
  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
