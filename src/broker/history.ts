/**
 * The broker's side of kept channels: which channels keep publications (from the config's
 * namespaces) and how much, and the store calls for appends, subscribe reads and
 * `#history`. A store may answer synchronously (memory) or with a promise (Redis); sync
 * answers are handled at once, so with the memory store a broker's per-channel order is
 * simply the order it handles messages. With an async store, per-channel order relies on
 * the store answering one channel's calls in the order they were made (Redis replies on
 * one connection come back in command order).
 *
 * @example
 * const history = new BrokerHistory(config.channels, store);
 * history.keep("chat/1"); // { size: 100, ttl: 600 } or null for an ephemeral channel
 */
import type { HistoryStore, KeepOptions, ReadResult } from "../history/HistoryStore.ts";
import type { StreamPosition } from "../protocol/publication.ts";
import { type ChannelNamespace, namespaceMatcher } from "../config/namespaces.ts";
import type { SubRead } from "../threads/messages.ts";

/**
 * What a `latest: true` namespace without `history` keeps: the last publication, for a day.
 *
 * @example
 * store.append("status/door", json, latestKeep);
 */
export const latestKeep: KeepOptions = { size: 1, ttl: 86_400 };

/**
 * Call `then` with a value now, or once its promise settles (sync stores stay sync).
 *
 * @example
 * whenReady(store.append(ch, json, keep), (position) => deliver(position), (error) => log(error));
 */
export function whenReady<T>(value: T | Promise<T>, then: (value: T) => void, failed: (error: unknown) => void): void {
  if (value instanceof Promise) value.then(then, failed);
  else then(value);
}

export class BrokerHistory {
  readonly #find: (channel: string) => ChannelNamespace | null;

  constructor(namespaces: readonly ChannelNamespace[], readonly store: HistoryStore) {
    this.#find = namespaceMatcher(namespaces);
  }

  /** How much of the channel is kept, or null when it is ephemeral. */
  keep(channel: string): KeepOptions | null {
    const namespace = this.#find(channel);
    if (!namespace) return null;
    if (namespace.history) return namespace.history;
    return namespace.latest ? latestKeep : null;
  }

  /** The read a subscribe asked for: the position, plus recovered or latest publications. */
  subscribeRead(channel: string, read: SubRead, keep: KeepOptions): ReadResult | Promise<ReadResult> {
    if ("since" in read) return this.store.read(channel, { since: read.since, limit: keep.size }, keep);
    if ("latest" in read) return this.store.read(channel, { limit: 1 }, keep);
    const position = this.store.position(channel, keep);
    const result = (at: StreamPosition): ReadResult => ({ publications: [], position: at, complete: true });
    return position instanceof Promise ? position.then(result) : result(position);
  }
}
