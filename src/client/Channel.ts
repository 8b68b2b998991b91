/**
 * A channel as the client sees it: its state, and the publications it receives, to watch
 * with a callback or to iterate with `for await`.
 *
 * @example
 * const chat = socket.subscribe("chat");
 * chat.watch((message) => show(message));
 * for await (const message of chat) show(message);
 */
import { type EventStream, Listeners } from "./Listeners.ts";

export type ChannelState = "pending" | "subscribed" | "unsubscribed";

/** What a Channel needs from its socket. */
export interface ChannelHost {
  unsubscribe(name: string): void;
  transmitPublish(name: string, data: unknown): void;
  invokePublish(name: string, data: unknown): Promise<void>;
}

export class Channel<T = any> implements AsyncIterable<T> {
  state: ChannelState = "pending";
  /** Sent to the server with #subscribe (SocketCluster's subscription `data`). */
  data: unknown;
  waitForAuth: boolean;
  readonly #events = new Listeners();

  constructor(readonly name: string, private readonly host: ChannelHost, options: { waitForAuth?: boolean; data?: unknown } = {}) {
    this.waitForAuth = options.waitForAuth ?? false;
    this.data = options.data;
  }

  /** Call `fn` with every publication. */
  watch(fn: (data: T) => void): void {
    this.#events.on("message", fn);
  }

  unwatch(fn?: (data: T) => void): void {
    if (fn) this.#events.off("message", fn);
  }

  /** The next publication. */
  once(): Promise<T> {
    return this.#events.listener<T>("message").once();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.#events.listener<T>("message")[Symbol.asyncIterator]();
  }

  /** This channel's events: subscribe, subscribeFail, unsubscribe, kickOut. */
  listener<E = any>(event: string): EventStream<E> {
    return this.#events.listener<E>(event);
  }

  on(event: string, fn: (value: any) => void): () => void {
    return this.#events.on(event, fn);
  }

  unsubscribe(): void {
    this.host.unsubscribe(this.name);
  }

  transmitPublish(data: T): void {
    this.host.transmitPublish(this.name, data);
  }

  invokePublish(data: T): Promise<void> {
    return this.host.invokePublish(this.name, data);
  }

  isSubscribed(includePending = false): boolean {
    return this.state === "subscribed" || (includePending && this.state === "pending");
  }

  /** Used by the socket: a publication, or a state change with its event. */
  deliver(data: T): void {
    this.#events.emit("message", data);
  }

  setState(state: ChannelState, event?: string, value?: unknown): void {
    this.state = state;
    if (event) this.#events.emit(event, value);
  }
}
