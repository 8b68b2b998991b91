/**
 * Gap-free delivery of kept publications (those with an offset) from Redis pub/sub.
 * Pub/sub loses what is published while a connection is away (a reconnect, a resubscribe
 * slower than the command connection), so per channel the last delivered position is
 * remembered: a publication that skips offsets in the same epoch first has the missing
 * ones read from the history stream and delivered, in order; a duplicate is dropped.
 * After the pub/sub connection comes back, every remembered channel is caught up the same
 * way. Whatever history no longer holds (trimmed, expired) stays missing.
 *
 * @example
 * const streams = new KeptStreams((ch, from) => store.range(ch, from), (pub) => handler(pub));
 * streams.receive(pub); // in place of handler(pub) for publications with an offset
 */
import type { Publication, StreamPosition } from "../protocol/publication.ts";

/** Reads a channel's kept publications from offset `from` on, ascending. */
export type RangeReader = (channel: string, from: number) => Promise<Publication[]>;

export class KeptStreams {
  readonly #last = new Map<string, StreamPosition>();
  /** Channels being caught up → publications that arrived meanwhile. */
  readonly #filling = new Map<string, Publication[]>();

  constructor(private readonly range: RangeReader, private readonly deliver: (pub: Publication) => void) {}

  receive(pub: Publication): void {
    const buffered = this.#filling.get(pub.ch);
    if (buffered) {
      buffered.push(pub);
      return;
    }
    const last = this.#last.get(pub.ch);
    if (last && last.epoch === pub.epoch && pub.offset! > last.offset + 1) {
      this.#catchUp(pub.ch, last, [pub]);
      return;
    }
    this.#pass(pub);
  }

  /** Catch every remembered channel that `which` selects up (its pub/sub connection is back). */
  resync(which: (channel: string) => boolean): void {
    for (const [channel, last] of this.#last) {
      if (which(channel) && !this.#filling.has(channel)) this.#catchUp(channel, last, []);
    }
  }

  forget(channel: string): void {
    this.#last.delete(channel);
  }

  #pass(pub: Publication): void {
    const last = this.#last.get(pub.ch);
    if (last && last.epoch === pub.epoch && pub.offset! <= last.offset) return;
    this.#last.set(pub.ch, { offset: pub.offset!, epoch: pub.epoch! });
    this.deliver(pub);
  }

  #catchUp(channel: string, last: StreamPosition, buffered: Publication[]): void {
    this.#filling.set(channel, buffered);
    const done = (missed: Publication[]) => {
      this.#filling.delete(channel);
      if (!this.#last.has(channel)) return; // unsubscribed meanwhile
      for (const pub of missed) if (pub.epoch === last.epoch) this.#pass(pub);
      for (const pub of buffered) this.#pass(pub);
    };
    this.range(channel, last.offset + 1).then((missed) => done(missed), () => done([]));
  }
}
