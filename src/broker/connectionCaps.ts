/**
 * A broker's share of the connection caps: the workers ask it for slots of the keys it
 * owns (by the key's hash, like channels), it counts them in its store (memory: this
 * host; Redis: every host), and remembers which worker holds what, so a worker that dies
 * gives its slots back.
 *
 * @example
 * const caps = new BrokerCaps(new MemoryConnectionCaps());
 * caps.handle(workerId, link, { t: "cap", id: 1, key: "user:alice", limit: 2 }); // answers { t: "capAck", id: 1, ok: true }
 */
import type { Link } from "../threads/Link.ts";
import type { BrokerToWorker, WorkerToBroker } from "../threads/messages.ts";
import type { Logger } from "../log/logger.ts";
import { type ConnectionCapStore, MemoryConnectionCaps } from "../cluster/ConnectionCapStore.ts";

type CapMessage = Extract<WorkerToBroker, { t: "cap" | "uncap" }>;

export class BrokerCaps {
  /** worker id → key → slots it holds */
  readonly #held = new Map<number, Map<string, number>>();

  constructor(private store: ConnectionCapStore = new MemoryConnectionCaps(), private readonly log: Logger | null = null) {}

  /** Count in this store from now on (the engine's, once it exists); slots held so far move to it. */
  useStore(store: ConnectionCapStore): void {
    const old = this.store;
    this.store = store;
    for (const keys of this.#held.values()) {
      for (const [key, count] of keys) {
        for (let i = 0; i < count; i++) {
          old.release(key);
          void Promise.resolve(store.acquire(key, Infinity)).catch(() => {});
        }
      }
    }
  }

  handle(worker: number, link: Link<WorkerToBroker, BrokerToWorker>, message: CapMessage): void {
    if (message.t === "uncap") {
      const keys = this.#held.get(worker);
      const count = keys?.get(message.key) ?? 0;
      if (count === 0) return;
      if (count === 1) keys!.delete(message.key);
      else keys!.set(message.key, count - 1);
      this.store.release(message.key);
      return;
    }
    const answer = (ok: boolean) => {
      if (ok) {
        let keys = this.#held.get(worker);
        if (!keys) this.#held.set(worker, keys = new Map());
        keys.set(message.key, (keys.get(message.key) ?? 0) + 1);
      }
      if (message.id !== undefined) link.post({ t: "capAck", id: message.id, ok });
    };
    let result: boolean | Promise<boolean>;
    try {
      result = this.store.acquire(message.key, message.limit ?? Infinity);
    } catch (error) {
      result = Promise.reject(error);
    }
    if (!(result instanceof Promise)) return answer(result);
    result.then(answer, (error) => {
      // A cap that cannot be checked (Redis down) lets the connection in: it is not counted.
      this.log?.warn("Connection cap could not be checked: letting the connection in", { key: message.key, error: String(error) });
      if (message.id !== undefined) link.post({ t: "capAck", id: message.id, ok: true });
    });
  }

  /** A worker died or left: give back every slot it held. */
  detachWorker(worker: number): void {
    const keys = this.#held.get(worker);
    if (!keys) return;
    this.#held.delete(worker);
    for (const [key, count] of keys) for (let i = 0; i < count; i++) this.store.release(key);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
