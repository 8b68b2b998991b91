/**
 * A stable 32-bit hash of a channel name (FNV-1a, then murmur3's finalizer): the same
 * broker and Redis shard for a channel on every worker, run, runtime and host. The
 * finalizer matters: FNV-1a alone barely moves the high bits when only the last characters
 * differ ("room-1", "room-2"), which clusters such names on one shard.
 *
 * @example
 * brokerIndex("chat", 2); // 0 or 1, always the same
 */
export function channelHash(channel: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < channel.length; i++) {
    hash ^= channel.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export function brokerIndex(channel: string, brokers: number): number {
  return brokers === 1 ? 0 : channelHash(channel) % brokers;
}
