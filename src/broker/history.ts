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
import type { Publication, StreamPosition } from "../protocol/publication.ts";
import { type ChannelNamespace, namespaceMatcher } from "../config/namespaces.ts";
import type { BrokerToWorker, SubRead, WorkerToBroker } from "../threads/messages.ts";
import { ErrorName } from "../protocol/errorNames.ts";
import { errorRecord } from "./errorRecord.ts";

type Ack = (ack: BrokerToWorker) => void;

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

  /** A subscribe's `subAck`: with the read it asked for on a kept channel, else bare. */
  answerSubscribe(message: Extract<WorkerToBroker, { t: "sub" }>, post: Ack): void {
    const { ch, id, read } = message;
    const keep = read ? this.keep(ch) : null;
    if (id === undefined || !read || !keep) return post({ t: "subAck", ch, id });
    whenReady(this.subscribeRead(ch, read, keep), (result) => {
      post({ t: "subAck", ch, id, position: result.position, pubs: result.publications, complete: result.complete });
    }, (error) => post({ t: "subAck", ch, id, error: errorRecord(error) }));
  }

  /**
   * A publication on a kept channel: appended, then delivered with its offset and epoch
   * (`deliver`, unless the store hands it to every host itself, Redis) and answered with a
   * `pubAck` when it has an `id`. Never delivered without an offset: on a failed append the
   * publisher learns it when it asked, else `dropped` counts it.
   */
  answerPublish(message: Extract<WorkerToBroker, { t: "pub" }>, keep: KeepOptions, post: Ack, deliver: (pub: Publication) => void, dropped: () => void): void {
    const store = this.store;
    whenReady(store.append(message.ch, message.json, keep, message.skip), (position) => {
      if (!store.publishesToHosts) deliver({ ch: message.ch, json: message.json, offset: position.offset, epoch: position.epoch, at: message.at, skip: message.skip } as Publication);
      if (message.id !== undefined) post({ t: "pubAck", id: message.id, position });
    }, (error) => {
      if (message.id !== undefined) return post({ t: "pubAck", id: message.id, error: errorRecord(error) });
      dropped();
    });
  }

  /** A `#history` read's `histAck`, at most the channel's kept size. */
  answerHistory(message: Extract<WorkerToBroker, { t: "hist" }>, post: Ack): void {
    const keep = this.keep(message.ch);
    if (!keep) {
      return post({ t: "histAck", id: message.id, error: { name: ErrorName.InvalidAction, message: `The ${message.ch} channel keeps no history` } });
    }
    const limit = Math.min(message.limit ?? keep.size, keep.size);
    whenReady(this.store.read(message.ch, { since: message.since, limit }, keep), (result) => {
      post({ t: "histAck", id: message.id, pubs: result.publications, position: result.position });
    }, (error) => post({ t: "histAck", id: message.id, error: errorRecord(error) }));
  }
}
