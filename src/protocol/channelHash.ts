/**
 * A stable 32-bit FNV-1a hash of a channel name: the same broker for a channel on every
 * worker, every run and every runtime.
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
  return hash >>> 0;
}

export function brokerIndex(channel: string, brokers: number): number {
  return brokers === 1 ? 0 : channelHash(channel) % brokers;
}
