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
 *
 * On a channel with history (`channels: [{ match, history }]` on the server) it keeps the
 * position it reached, resubscribes with `since` after every reconnect, drops publications
 * it has already seen, and tells whether the server recovered what it missed:
 * chat.on("recovery", ({ recovered }) => { if (!recovered) reload(); });
 */
import type { StreamPosition } from "../protocol/publication.ts";
import { ChannelPosition } from "./ChannelPosition.ts";
import { type EventStream, Listeners } from "./Listeners.ts";
import type { Member, PresenceStats } from "../protocol/presence.ts";

export type ChannelState = "pending" | "subscribed" | "unsubscribed";

/**
 * `subscribe(name, options)`: `waitForAuth` holds the #subscribe until the socket is
 * authenticated; `data` goes with it; `since` (a saved `channel.position`) asks a channel
 * with history to replay what came after it.
 */
export interface SubscribeOptions {
  waitForAuth?: boolean;
  data?: unknown;
  since?: StreamPosition;
}

/** `channel.history(options)`: the first `limit` publications after `since`, or without `since` the latest `limit`. */
export interface HistoryOptions {
  since?: StreamPosition;
  limit?: number;
}

/** The #history answer: publications ascending by offset, and the channel's position. */
export interface HistoryPage<T = any> {
  publications: Array<{ offset: number; data: T }>;
  offset: number;
  epoch: string;
}

/** What a Channel needs from its socket. */
export interface ChannelHost {
  unsubscribe(name: string): void;
  closeChannel(name: string): void;
  transmitPublish(name: string, data: unknown): void;
  invokePublish(name: string, data: unknown): Promise<void>;
}

/** A ChannelHost that also reads history and presence (Subscriptions builds it around the socket). */
export interface ChannelLink extends ChannelHost {
  history(name: string, options: HistoryOptions): Promise<HistoryPage>;
  presence(name: string): Promise<Member[]>;
  presenceStats(name: string): Promise<PresenceStats>;
}

export class Channel<T = any> implements AsyncIterable<T> {
  state: ChannelState = "unsubscribed";
  waitForAuth = false;
  /** Sent to the server with #subscribe (SocketCluster's subscription `data`). */
  data: unknown = undefined;
  readonly #watchers = new Set<(data: T) => void>();
  readonly #events = new Listeners();
  /** @internal Where the channel's history stands for this client. */
  readonly stream = new ChannelPosition();

  constructor(readonly name: string, private readonly host: ChannelLink) {}

  /** The offset and epoch reached on a channel with history (save it to pass as `since` later), else null. */
  get position(): StreamPosition | null {
    return this.stream.value;
  }

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

  /** This channel's events: subscribe, subscribeFail, unsubscribe, kickOut, recovery, join, leave. */
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

  /**
   * Read the channel's history (#history): `{ publications: [{ offset, data }], offset, epoch }`.
   * Rejects with the server's error on a channel without history or when middleware refuses.
   *
   * @example
   * const { publications } = await chat.history({ limit: 20 });
   */
  history(options: HistoryOptions = {}): Promise<HistoryPage<T>> {
    return this.host.history(this.name, options);
  }

  /**
   * Who is in the channel (#presence): `[{ client, user, info }]`, one per connection, on
   * every worker and host. Only a subscriber may ask: otherwise, on a channel without
   * presence or when middleware refuses, it rejects with the server's error (a channel
   * over the server's list limit: PresenceLimitError; ask presenceStats instead).
   * Members joining and leaving afterwards arrive as `join` and `leave` events (with
   * `joinLeave` on the server), each carrying the member.
   *
   * @example
   * const members = await room.presence();
   * room.on("join", (member) => add(member));
   * for await (const member of room.listener("leave")) remove(member);
   */
  presence(): Promise<Member[]> {
    return this.host.presence(this.name);
  }

  /**
   * `{ clients, users }` of the channel (#presenceStats): connections and distinct users,
   * cheap at any size.
   *
   * @example
   * const { users } = await room.presenceStats();
   */
  presenceStats(): Promise<PresenceStats> {
    return this.host.presenceStats(this.name);
  }

  /** @internal The socket emits one of this channel's events (join, leave). */
  emit(event: string, value: unknown): void {
    this.#events.emit(event, value);
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
