/**
 * Consistent hashing of channel names onto shards (Redis instances): each shard owns many
 * points on a ring, so adding one of N+1 shards moves only about 1/(N+1) of the channels.
 *
 * @example
 * const ring = new HashRing(["redis://a:6379", "redis://b:6379"]);
 * ring.shardFor("chat"); // always the same URL for "chat"
 */
import { channelHash } from "../protocol/channelHash.ts";

const pointsPerShard = 160;

export class HashRing<T extends string> {
  readonly #points: Array<{ at: number; shard: T }> = [];

  constructor(shards: readonly T[]) {
    for (const shard of shards) {
      for (let i = 0; i < pointsPerShard; i++) this.#points.push({ at: channelHash(`${shard}#${i}`), shard });
    }
    this.#points.sort((a, b) => a.at - b.at);
  }

  shardFor(channel: string): T {
    const points = this.#points;
    const h = channelHash(channel);
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]!.at < h) lo = mid + 1;
      else hi = mid;
    }
    return points[lo === points.length ? 0 : lo]!.shard;
  }
}
