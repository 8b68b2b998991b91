/**
 * The many-host control transport over Redis. Each host's main thread:
 * - keeps itself in a sorted set of live hosts (`<prefix>control:hosts`, scored by Redis's
 *   own clock, so host clocks may differ), refreshed every `beatMs` (1 s); a host not seen
 *   for `liveMs` (3 s) is no longer expected, and gone at once when it stops cleanly;
 * - listens on `<prefix>control` for queries `{ id, from, query }` and answers each on
 *   the asker's own channel `<prefix>control:<host id>` with `{ id, answer }`.
 * An ask answers itself locally, reads the live hosts, publishes the query and waits for
 * every other live host up to hostAnswerTimeout (2.5 s); a silent host is an entry with
 * `error`. With Redis unreachable, the ask still answers with this host and one entry
 * saying the other hosts could not be asked.
 *
 * @example
 * const transport = new RedisControl({ url: "redis://127.0.0.1:6379", prefix: "scx:" });
 * await transport.start(local);
 * const hosts = await transport.ask({ op: "stats" });
 */
import { createClient, type RedisClientType } from "redis";
import type { ClusterControl, LocalAnswer } from "./ClusterControl.ts";
import { newHostId } from "./ClusterControl.ts";
import { type ControlQuery, type HostAnswer, hostAnswerTimeout } from "./ControlPlane.ts";
import { askWithin, type PendingAnswers } from "./askWithin.ts";

export interface RedisControlOptions {
  url: string;
  prefix: string;
  hostId?: string;
  beatMs?: number;
  liveMs?: number;
  /** Longest wait for another host (default hostAnswerTimeout). */
  timeoutMs?: number;
}

/** ZADD this host with Redis's time as score, drop hosts silent for long (ARGV[2] ms). */
const beatScript = `local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], ms, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - tonumber(ARGV[2]))
return ms`;
/** Hosts seen within ARGV[1] ms, by Redis's time. */
const liveScript = `local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], ms - tonumber(ARGV[1]), '+inf')`;

interface Request { id: number; from: string; query: ControlQuery }
interface Reply { id: number; answer: HostAnswer }

export class RedisControl implements ClusterControl {
  readonly hostId: string;
  readonly #options: Required<Omit<RedisControlOptions, "hostId">>;
  readonly #cmd: RedisClientType;
  readonly #sub: RedisClientType;
  readonly #pending = new Map<number, PendingAnswers<string, HostAnswer>>();
  #local: LocalAnswer | null = null;
  #beat: ReturnType<typeof setInterval> | null = null;
  #nextId = 1;

  constructor(options: RedisControlOptions) {
    this.hostId = options.hostId ?? newHostId();
    this.#options = { beatMs: 1000, liveMs: 3000, timeoutMs: hostAnswerTimeout, ...options };
    const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 3000);
    this.#cmd = createClient({ url: options.url, disableOfflineQueue: true, socket: { reconnectStrategy } }) as RedisClientType;
    this.#sub = createClient({ url: options.url, socket: { reconnectStrategy } }) as RedisClientType;
    for (const client of [this.#cmd, this.#sub]) client.on("error", () => {});
  }

  get #hostsKey(): string {
    return `${this.#options.prefix}control:hosts`;
  }

  /**
   * Connect, listen and register this host. Waits for that at most 1 s: with Redis
   * down, scx still starts (node-redis keeps reconnecting and resubscribes by itself; the
   * heartbeat registers the host once Redis is back), and asks meanwhile answer for this
   * host alone with an entry saying the others could not be asked.
   */
  async start(local: LocalAnswer): Promise<void> {
    this.#local = local;
    const { prefix } = this.#options;
    this.#beat = setInterval(() => void this.#heartbeat(), this.#options.beatMs);
    const ready = (async () => {
      await Promise.all([this.#cmd.connect(), this.#sub.connect()]);
      await this.#sub.subscribe(`${prefix}control`, (message) => void this.#onRequest(message));
      await this.#sub.subscribe(`${prefix}control:${this.hostId}`, (message) => this.#onReply(message));
      await this.#heartbeat();
    })();
    ready.catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([ready, new Promise((resolve) => { timer = setTimeout(resolve, 1000); })]);
    clearTimeout(timer);
  }

  async ask(query: ControlQuery): Promise<HostAnswer[]> {
    if (!this.#local) throw new Error("RedisControl.ask before start");
    const mine = this.#local(query);
    let others: string[];
    try {
      const live = await this.#command<string[]>(["EVAL", liveScript, "1", this.#hostsKey, String(this.#options.liveMs)]);
      others = live.filter((host) => host !== this.hostId);
    } catch (error) {
      const unreachable: HostAnswer = { host: "?", info: null, threads: [], error: `Other hosts could not be asked: ${(error as Error).message}` };
      return [await mine, unreachable];
    }
    const id = this.#nextId++;
    const pending = askWithin<string, HostAnswer>(others, this.#options.timeoutMs, (host) =>
      ({ host, info: null, threads: [], error: `No answer within ${this.#options.timeoutMs} ms` }));
    this.#pending.set(id, pending);
    try {
      if (others.length > 0) {
        const request: Request = { id, from: this.hostId, query };
        await this.#command(["PUBLISH", `${this.#options.prefix}control`, JSON.stringify(request)]).catch(() => {});
      }
      return [await mine, ...await pending.done];
    } finally {
      this.#pending.delete(id);
    }
  }

  async close(): Promise<void> {
    if (this.#beat) clearInterval(this.#beat);
    this.#beat = null;
    this.#local = null;
    if (this.#cmd.isReady) await this.#command(["ZREM", this.#hostsKey, this.hostId]).catch(() => {});
    // A connection still trying to reach Redis is dropped at once (close would wait for it).
    await Promise.all([this.#cmd, this.#sub].map((client) =>
      client.isReady ? client.close().catch(() => {}) : client.isOpen ? client.destroy() : undefined));
  }

  async #heartbeat(): Promise<void> {
    await this.#command(["EVAL", beatScript, "1", this.#hostsKey, this.hostId, "60000"]).catch(() => {});
  }

  async #onRequest(message: string): Promise<void> {
    const request = parse<Request>(message);
    if (!request || request.from === this.hostId || !this.#local) return;
    const answer = await this.#local(request.query).catch((error) =>
      ({ host: this.hostId, info: null, threads: [], error: String((error as Error)?.message ?? error) }));
    const reply: Reply = { id: request.id, answer };
    await this.#command(["PUBLISH", `${this.#options.prefix}control:${request.from}`, JSON.stringify(reply)]).catch(() => {});
  }

  #onReply(message: string): void {
    const reply = parse<Reply>(message);
    if (reply?.answer) this.#pending.get(reply.id)?.settle(reply.answer.host, reply.answer);
  }

  /** A command with a bounded wait: a hung Redis fails it after 1 s. */
  #command<T = unknown>(args: string[]): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("Redis did not answer within 1000 ms")), 1000);
    });
    return Promise.race([this.#cmd.sendCommand(args) as Promise<T>, late]).finally(() => clearTimeout(timer));
  }
}

/** A message from the control channels, or null when it is not JSON (another app's, or garbage). */
function parse<T>(message: string): T | null {
  try {
    return JSON.parse(message) as T;
  } catch {
    return null;
  }
}
