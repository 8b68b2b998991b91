/**
 * The Redis history store, shared by every host: offsets, epochs and the kept
 * publications live in Redis (see redisScripts.ts for the keys and the two Lua scripts),
 * on the shard that carries the channel's pub/sub. Its append also publishes the
 * publication, with its position, to every host subscribed to the channel, this one
 * included (`publishesToHosts`), in the same atomic step, so all hosts see one order.
 *
 * It is made by the Redis cluster engine, which hands it `send`: one command on the
 * channel's shard, rejecting with ErrorName.Broker ("Redis is unreachable") within the
 * engine's timeout when Redis is down or hung. Appends from one host to one channel go
 * down one connection and are answered in call order (pipelined), so they keep it.
 *
 * @example
 * const store = new RedisHistoryStore({ prefix: "scx:", send: (ch, args) => shardFor(ch).command(args) });
 * const { offset, epoch } = await store.append("chat/1", '"hi"', { size: 100, ttl: 600 });
 */
import type { HistoryStore, KeepOptions, ReadOptions, ReadResult } from "./HistoryStore.ts";
import type { Publication, StreamPosition } from "../protocol/publication.ts";
import { appendScript, rangeScript, readScript, sha1 } from "./redisScripts.ts";
import { newEpoch } from "./newEpoch.ts";

/** What the store needs from the engine: the prefix and one command on a channel's shard. */
export interface RedisHistoryOptions {
  /** Key prefix (the cluster prefix); pub/sub channels are `<prefix><ch>`. */
  prefix: string;
  /** Run one command on the shard carrying `channel`. */
  send: (channel: string, args: string[]) => Promise<unknown>;
}

const script = (source: string) => ({ source, sha: sha1(source) });
const scripts = { append: script(appendScript), read: script(readScript), range: script(rangeScript) };
/** Most publications one gap-filling range read returns. */
const rangeCount = 10_000;

export class RedisHistoryStore implements HistoryStore {
  readonly publishesToHosts = true;
  readonly #prefix: string;
  readonly #send: RedisHistoryOptions["send"];

  constructor(options: RedisHistoryOptions) {
    this.#prefix = options.prefix;
    this.#send = options.send;
  }

  /** The commands that load both scripts (run on every shard connection when it is ready). */
  static loadCommands(): string[][] {
    return Object.values(scripts).map(({ source }) => ["SCRIPT", "LOAD", source]);
  }

  async append(channel: string, json: string | undefined, keep: KeepOptions, skip?: string): Promise<StreamPosition> {
    const [offset, epoch] = await this.#eval(channel, scripts.append,
      [newEpoch(), json ?? "", String(keep.size), ttlMs(keep), this.#prefix + channel, skip ?? ""]) as [number, string];
    return { offset, epoch };
  }

  async read(channel: string, options: ReadOptions, keep: KeepOptions): Promise<ReadResult> {
    const limit = Math.max(0, Math.min(options.limit ?? keep.size, keep.size));
    const since = options.since;
    const reply = await this.#eval(channel, scripts.read,
      [newEpoch(), ttlMs(keep), String(limit), since ? String(since.offset) : "", since?.epoch ?? ""]) as Array<string | number>;
    const epoch = reply[0] as string;
    const publications = decodeEntries(channel, epoch, reply, 3);
    return { publications, position: { offset: reply[1] as number, epoch }, complete: since !== undefined && reply[2] === 1 };
  }

  async position(channel: string, keep: KeepOptions): Promise<StreamPosition> {
    return (await this.read(channel, { limit: 0 }, keep)).position;
  }

  /** Kept publications from offset `from` on, ascending, whatever their age (what pub/sub missed). */
  async range(channel: string, from: number): Promise<Publication[]> {
    const reply = await this.#eval(channel, scripts.range, [String(from), String(rangeCount)]) as Array<string | number>;
    return decodeEntries(channel, reply[0] as string, reply, 1);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  async #eval(channel: string, script: { source: string; sha: string }, args: string[]): Promise<unknown> {
    const keys = [`${this.#prefix}h:${channel}`, `${this.#prefix}m:${channel}`];
    try {
      return await this.#send(channel, ["EVALSHA", script.sha, "2", ...keys, ...args]);
    } catch (error) {
      // The script cache was flushed (Redis restarted between our SCRIPT LOAD and now).
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return await this.#send(channel, ["EVAL", script.source, "2", ...keys, ...args]);
    }
  }
}

/** Publications from a script reply's offset, json pairs starting at `from`. */
function decodeEntries(channel: string, epoch: string, reply: Array<string | number>, from: number): Publication[] {
  const publications: Publication[] = [];
  for (let i = from; i < reply.length; i += 2) {
    const json = reply[i + 1] as string;
    publications.push({ ch: channel, json: json === "" ? undefined : json, offset: reply[i] as number, epoch });
  }
  return publications;
}

function ttlMs(keep: KeepOptions): string {
  return String(Math.max(1, Math.ceil(keep.ttl * 1000)));
}
