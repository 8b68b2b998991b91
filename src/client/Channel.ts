/**
 * A channel as the client sees it: its state, and the publications it receives, to watch
 * with a callback or to iterate with `for await`. The object lives until `close()`:
 * after `unsubscribe()` (or a kick-out) its watchers stay, and subscribing to the same
 * name again returns it and resumes them.
 *
 * @example
 * const chat = socket.subscribe("chat");
 * chat.watch((message) => show(message));
 * for await (const message of chat) show(message);
 */
import { type EventStream, Listeners } from "./Listeners.ts";

export type ChannelState = "pending" | "subscribed" | "unsubscribed";

/** `subscribe(name, options)`: `waitForAuth` holds the #subscribe until the socket is authenticated; `data` goes with it. */
export interface SubscribeOptions {
  waitForAuth?: boolean;
  data?: unknown;
}

/** What a Channel needs from its socket. */
export interface ChannelHost {
  unsubscribe(name: string): void;
  closeChannel(name: string): void;
  transmitPublish(name: string, data: unknown): void;
  invokePublish(name: string, data: unknown): Promise<void>;
}

export class Channel<T = any> implements AsyncIterable<T> {
  state: ChannelState = "unsubscribed";
  waitForAuth = false;
  /** Sent to the server with #subscribe (SocketCluster's subscription `data`). */
  data: unknown = undefined;
  readonly #watchers = new Set<(data: T) => void>();
  readonly #events = new Listeners();

  constructor(readonly name: string, private readonly host: ChannelHost) {}

  /** Call `fn` with every publication. */
  watch(fn: (data: T) => void): void {
    this.#watchers.add(fn);
  }

  /** Stop `fn`, or every watcher when no `fn` is given (not the `for await` loops). */
  unwatch(fn?: (data: T) => void): void {
    if (fn) this.#watchers.delete(fn);
    else this.#watchers.clear();
  }

  watchers(): Array<(data: T) => void> {
    return [...this.#watchers];
  }

  /** The next publication. */
  once(): Promise<T> {
    return this.#events.listener<T>("data").once();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.#events.listener<T>("data")[Symbol.asyncIterator]();
  }

  /** This channel's events: subscribe, subscribeFail, unsubscribe, kickOut. */
  listener<E = any>(event: string): EventStream<E> {
    return this.#events.listener<E>(event);
  }

  on(event: string, fn: (value: any) => void): () => void {
    return this.#events.on(event, fn);
  }

  isSubscribed(includePending = false): boolean {
    return this.state === "subscribed" || (includePending && this.state === "pending");
  }

  unsubscribe(): void {
    this.host.unsubscribe(this.name);
  }

  /** Unsubscribe, drop every watcher and end every `for await` loop; the socket forgets the channel. */
  close(): void {
    this.host.closeChannel(this.name);
  }

  transmitPublish(data: T): void {
    this.host.transmitPublish(this.name, data);
  }

  invokePublish(data: T): Promise<void> {
    return this.host.invokePublish(this.name, data);
  }

  /** @internal The socket delivers a publication. */
  deliver(data: T): void {
    for (const fn of [...this.#watchers]) {
      try {
        fn(data);
      } catch (error) {
        queueMicrotask(() => { throw error; });
      }
    }
    this.#events.emit("data", data);
  }

  /** @internal The socket moves the channel to `state`, then emits `event`. */
  setState(state: ChannelState, event?: string, value?: unknown): void {
    this.state = state;
    if (event) this.#events.emit(event, value);
  }

  /** @internal The socket has forgotten the channel. */
  end(): void {
    this.#watchers.clear();
    this.#events.closeAll();
  }
}
