/**
 * The memory history store: lives inside the broker that owns the channels (one host),
 * so it survives a worker crash and dies with its broker (the next store gives every
 * channel a new epoch). Methods are synchronous, so the broker's per-channel order is
 * the order of calls. Each channel keeps a ring buffer of `keep.size` entries; entries
 * older than `keep.ttl` are never returned, and a channel with no append for `keep.ttl`
 * is forgotten (swept at most once a second, in time proportional to the appends since
 * the last sweep), so memory stays bounded; its next use starts a new epoch.
 *
 * @example
 * const store = new MemoryHistoryStore();
 * store.append("chat/1", '"hi"', { size: 100, ttl: 600 }); // { offset: 1, epoch: "k3x9f2a0qz" }
 */
import type { HistoryStore, KeepOptions, ReadOptions, ReadResult } from "./HistoryStore.ts";
import type { Publication, StreamPosition } from "../protocol/publication.ts";
import { newEpoch } from "./newEpoch.ts";

interface Entry { t: number; json: string | undefined }

interface Kept {
  epoch: string;
  /** Latest offset. */
  offset: number;
  ring: Entry[];
  /** Index in `ring` of the oldest entry once the ring is full. */
  head: number;
  size: number;
  ttlMs: number;
  /** Last append (or creation), ms. */
  touched: number;
}

const sweepEveryMs = 1000;

export class MemoryHistoryStore implements HistoryStore {
  readonly publishesToHosts = false;
  readonly #channels = new Map<string, Kept>();
  #opsSinceSweep = 0;
  #nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  append(channel: string, json: string | undefined, keep: KeepOptions): StreamPosition {
    const now = this.now();
    const kept = this.#get(channel, keep, now);
    if (kept.size !== keep.size) resize(kept, keep.size);
    kept.ttlMs = keep.ttl * 1000;
    kept.offset++;
    kept.touched = now;
    const entry = { t: now, json };
    if (kept.ring.length < kept.size) kept.ring.push(entry);
    else {
      kept.ring[kept.head] = entry;
      kept.head = (kept.head + 1) % kept.size;
    }
    return { offset: kept.offset, epoch: kept.epoch };
  }

  read(channel: string, options: ReadOptions, keep: KeepOptions): ReadResult {
    const now = this.now();
    const kept = this.#get(channel, keep, now);
    const position = { offset: kept.offset, epoch: kept.epoch };
    const limit = Math.max(0, Math.min(options.limit ?? keep.size, keep.size));
    const count = kept.ring.length;
    const oldest = kept.offset - count + 1;
    // Entries are in time order: the fresh ones are a suffix.
    const minT = now - keep.ttl * 1000;
    let fresh = 0;
    while (fresh < count && at(kept, fresh).t < minT) fresh++;
    const since = options.since;
    let from: number;
    let complete = false;
    if (!since) from = Math.max(fresh, count - limit);
    else if (since.epoch !== kept.epoch || since.offset > kept.offset) return { publications: [], position, complete: false };
    else {
      const next = since.offset + 1 - oldest;
      complete = since.offset === kept.offset || (next >= fresh && next < count);
      from = Math.max(next, fresh);
    }
    const publications: Publication[] = [];
    for (let i = from; i < count && publications.length < limit; i++) {
      publications.push({ ch: channel, json: at(kept, i).json, offset: oldest + i, epoch: kept.epoch });
    }
    return { publications, position, complete };
  }

  position(channel: string, keep: KeepOptions): StreamPosition {
    const kept = this.#get(channel, keep, this.now());
    return { offset: kept.offset, epoch: kept.epoch };
  }

  /** Channels currently remembered (for tests and metrics). */
  get channelCount(): number {
    return this.#channels.size;
  }

  close(): Promise<void> {
    this.#channels.clear();
    return Promise.resolve();
  }

  #get(channel: string, keep: KeepOptions, now: number): Kept {
    this.#maybeSweep(now);
    let kept = this.#channels.get(channel);
    if (kept && kept.touched + kept.ttlMs < now) kept = undefined;
    if (!kept) {
      kept = { epoch: newEpoch(), offset: 0, ring: [], head: 0, size: keep.size, ttlMs: keep.ttl * 1000, touched: now };
      this.#channels.set(channel, kept);
    }
    return kept;
  }

  #maybeSweep(now: number): void {
    if (++this.#opsSinceSweep < this.#channels.size / 8 || now < this.#nextSweep) return;
    this.#opsSinceSweep = 0;
    this.#nextSweep = now + sweepEveryMs;
    for (const [channel, kept] of this.#channels) {
      if (kept.touched + kept.ttlMs < now) this.#channels.delete(channel);
    }
  }
}

/** The i-th oldest entry. */
function at(kept: Kept, i: number): Entry {
  return kept.ring[(kept.head + i) % kept.ring.length]!;
}

function resize(kept: Kept, size: number): void {
  const entries = kept.ring.map((_, i) => at(kept, i));
  kept.ring = entries.slice(Math.max(0, entries.length - size));
  kept.head = 0;
  kept.size = size;
}
