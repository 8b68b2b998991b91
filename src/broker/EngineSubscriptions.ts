/**
 * The cluster engine's subscribes a broker is still waiting on, by channel. A subscribe
 * to a channel whose engine subscribe is under way is acknowledged once it is done (so a
 * publication from another host after the acknowledgement arrives), or after
 * `engineSubscribeTimeout` at most: a hung engine never holds a subscriber for good.
 *
 * @example
 * const subscribing = new EngineSubscriptions(log);
 * subscribing.track("chat/1", engine.subscribe("chat/1"));
 * await subscribing.pending("chat/1"); // undefined once it is done
 */
import type { Logger } from "../log/logger.ts";

/** Longest a subscribe waits for the engine to confirm before it is acknowledged anyway. */
const engineSubscribeTimeout = 5000;

export class EngineSubscriptions {
  readonly #pending = new Map<string, Promise<void>>();

  constructor(private readonly log: Logger | null) {}

  /** Wait on an engine subscribe's result, if it is a promise (bounded; failures are logged). */
  track(channel: string, result: unknown): void {
    if (!(result instanceof Promise)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tracked: Promise<void> = Promise.race([
      result.then(() => {}, (error) => this.log?.warn("Engine subscribe failed", { channel, error: String(error) })),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, engineSubscribeTimeout); }),
    ]).then(() => {
      clearTimeout(timer);
      if (this.#pending.get(channel) === tracked) this.#pending.delete(channel);
    });
    this.#pending.set(channel, tracked);
  }

  /** The engine subscribe of this channel still under way, if any. */
  pending(channel: string): Promise<void> | undefined {
    return this.#pending.get(channel);
  }

  /** The channel was dropped: nobody waits on its subscribe any more. */
  forget(channel: string): void {
    this.#pending.delete(channel);
  }

  /** Resolves when every engine subscribe under way has ended. */
  async settled(): Promise<void> {
    await Promise.all(this.#pending.values());
  }
}
