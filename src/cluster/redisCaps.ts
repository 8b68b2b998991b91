/**
 * Connection caps counted across hosts in Redis. Per key, a hash `<prefix>cap:<key>`
 * holds one field per host (its count); a Lua script sums the fields of live hosts, and
 * takes a slot only under the limit, in one atomic step. A host proves it is alive with a
 * key `<prefix>capalive:<host>` on every shard, expiring after `livenessMs` and refreshed
 * three times as often while it holds slots: a killed host's slots stop counting within
 * `livenessMs` (15 s), and the next acquire on the key deletes its field.
 *
 * @example
 * const caps = new RedisConnectionCaps({ prefix: "scx:", send: (key, args) => shard.command(args), sendEvery });
 * await caps.acquire("user:alice", 2);
 */
import type { ConnectionCapStore } from "./ConnectionCapStore.ts";

/** KEYS: none. ARGV: hash key, host, limit, alive-key prefix, liveness ms. Returns 1 when a slot was taken. */
const acquireScript = `
local key, host, limit, alive = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
redis.call('SET', alive .. host, '1', 'PX', ARGV[5])
local fields = redis.call('HGETALL', key)
local total = 0
for i = 1, #fields, 2 do
  if fields[i] ~= host and redis.call('EXISTS', alive .. fields[i]) == 0 then
    redis.call('HDEL', key, fields[i])
  else
    total = total + tonumber(fields[i + 1])
  end
end
if limit >= 0 and total >= limit then return 0 end
redis.call('HINCRBY', key, host, 1)
return 1
`;

/** ARGV: hash key, host. */
const releaseScript = `
if redis.call('HINCRBY', ARGV[1], ARGV[2], -1) <= 0 then redis.call('HDEL', ARGV[1], ARGV[2]) end
return 1
`;

export interface RedisCapsOptions {
  prefix: string;
  /** Send a command to the shard that owns `key`. */
  send: (key: string, args: string[]) => Promise<unknown>;
  /** Send a command to every shard. */
  sendEvery: (args: string[]) => Promise<unknown>[];
  hostId?: string;
  livenessMs?: number;
}

export class RedisConnectionCaps implements ConnectionCapStore {
  readonly hostId: string;
  readonly #options: RedisCapsOptions;
  readonly #livenessMs: number;
  #held = 0;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(options: RedisCapsOptions) {
    this.#options = options;
    this.hostId = options.hostId ?? crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    this.#livenessMs = options.livenessMs ?? 15_000;
  }

  async acquire(key: string, limit: number): Promise<boolean> {
    const { prefix } = this.#options;
    const taken = await this.#options.send(key, ["EVAL", acquireScript, "0", `${prefix}cap:${key}`, this.hostId,
      String(limit === Infinity ? -1 : limit), `${prefix}capalive:`, String(this.#livenessMs)]);
    if (Number(taken) !== 1) return false;
    if (this.#held++ === 0) this.#startBeat();
    return true;
  }

  release(key: string): void {
    this.#options.send(key, ["EVAL", releaseScript, "0", `${this.#options.prefix}cap:${key}`, this.hostId]).catch(() => {});
    if (this.#held > 0 && --this.#held === 0) this.#stopBeat();
  }

  async close(): Promise<void> {
    this.#stopBeat();
  }

  #startBeat(): void {
    const beat = () => {
      for (const call of this.#options.sendEvery(["SET", `${this.#options.prefix}capalive:${this.hostId}`, "1", "PX", String(this.#livenessMs)])) {
        call.catch(() => {});
      }
    };
    beat();
    this.#timer = setInterval(beat, Math.round(this.#livenessMs / 3));
  }

  #stopBeat(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
