/**
 * One Redis instance as the engine uses it: a command connection (publish, history
 * scripts; no offline queue, so commands fail at once while it is down) and a pub/sub
 * connection (node-redis resubscribes it after a reconnect). Every command waits a
 * bounded time in a bounded queue (Deadlines; node-redis's own timeout is off): a Redis
 * that is down or hung (stopped, socket open) makes it reject with ErrorName.Broker,
 * "Redis is unreachable", and marks the shard down within `timeoutMs` and a quarter
 * (a PING every `timeoutMs` notices an idle hang too, so within about twice that).
 *
 * @example
 * const shard = new RedisShard("redis://127.0.0.1:6379", { timeoutMs: 2000, onChange: () => {} });
 * await shard.connect();
 * await shard.command(["PING"]);
 */
import { createClient, ErrorReply, type RedisClientType } from "redis";
import { Deadlines } from "./Deadlines.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";

/** How long to wait for replies, and whom to tell when the shard goes up or down. */
export interface RedisShardOptions {
  /** Longest wait for any Redis reply, in ms. */
  timeoutMs: number;
  /** The shard went up or down (connection, or replies late). */
  onChange: (up: boolean) => void;
  /** Most commands waiting for a reply on one connection; past it, commands fail at once (default 10,000). */
  maxWaiting?: number;
}

export class RedisShard {
  readonly pub: RedisClientType;
  readonly sub: RedisClientType;
  readonly channels = new Set<string>();
  readonly #pubDeadlines: Deadlines;
  readonly #subDeadlines: Deadlines;
  readonly #onReady: Array<() => void> = [];
  readonly #onSubReady: Array<() => void> = [];
  #up = false;
  #closing = false;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #probing = false;
  /** Until the shard is up for the first time: commands wait for it (bounded) instead of failing. */
  #starting: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(readonly url: string, private readonly options: RedisShardOptions) {
    const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 3000);
    // node-redis's own command timeout (5 s by default) is off: it would drop commands
    // silently and, failing them, look like an answer. Our bounded Deadlines decide instead.
    const commandOptions = { timeout: 0 };
    this.pub = createClient({ url, disableOfflineQueue: true, commandOptions, socket: { reconnectStrategy } }) as RedisClientType;
    this.sub = createClient({ url, commandOptions, socket: { reconnectStrategy } }) as RedisClientType;
    const unreachable = () => this.#unreachable();
    this.#pubDeadlines = new Deadlines(options.timeoutMs, unreachable, () => this.#update(), options.maxWaiting);
    this.#subDeadlines = new Deadlines(options.timeoutMs, unreachable, () => this.#update(), options.maxWaiting);
    for (const client of [this.pub, this.sub]) {
      // Errors are reported through the up/down transitions, once per outage.
      client.on("error", () => {});
      client.on("end", () => this.#update());
      client.on("reconnecting", () => this.#update());
    }
    this.pub.on("ready", () => {
      for (const hook of this.#onReady) hook();
      this.#update();
    });
    this.sub.on("ready", () => {
      for (const hook of this.#onSubReady) hook();
      this.#update();
    });
  }

  get up(): boolean {
    return this.#up;
  }

  /** Run `hook` each time the command connection is (re)connected, before other commands. */
  onReady(hook: () => void): void {
    this.#onReady.push(hook);
  }

  /** Run `hook` each time the pub/sub connection is (re)connected. */
  onSubReady(hook: () => void): void {
    this.#onSubReady.push(hook);
  }

  /** True from connect() until the shard is first up. */
  get starting(): boolean {
    return this.#starting !== null;
  }

  async connect(): Promise<void> {
    if (!this.#up && !this.#starting) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => { resolve = done; });
      this.#starting = { promise, resolve };
    }
    await Promise.all([this.pub.connect(), this.sub.connect()]);
    // An idle hung Redis is noticed too: a PING per timeout keeps the deadlines honest.
    // A probe at a time (it waits for its deadline), so a long hang piles up few PINGs.
    this.#heartbeat ??= setInterval(() => {
      if (!this.pub.isReady || this.#probing) return;
      this.#probing = true;
      this.command(["PING"], true).catch(() => {}).finally(() => { this.#probing = false; });
    }, this.options.timeoutMs);
  }

  /**
   * Send one command on the command connection; rejects with ErrorName.Broker. While the
   * connection is late (a reply missed its deadline), commands fail at once instead of
   * piling up; the heartbeat PING (`probe`) still goes out to notice the recovery.
   */
  command<T = unknown>(args: string[], probe = false): Promise<T> {
    if (this.#pubDeadlines.late && !probe) return Promise.reject(this.#unreachable());
    // Still starting: wait for the first connection (bounded), in call order.
    if (this.#starting) return this.#pubDeadlines.guard(this.#starting.promise).then(() => this.command<T>(args, probe), () => {
      throw this.#unreachable();
    });
    return this.#pubDeadlines.guard(this.pub.sendCommand(args) as Promise<T>).catch((error) => {
      throw this.#named(error);
    });
  }

  /** A pub/sub connection command (subscribe, unsubscribe), with the same bounded wait. */
  subCommand(command: Promise<unknown>): Promise<void> {
    return this.#subDeadlines.guard(command).then(() => {}, (error) => {
      throw this.#named(error);
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#pubDeadlines.clear();
    this.#subDeadlines.clear();
    await Promise.all([this.pub, this.sub].map((client) => client.isOpen ? client.close().catch(() => {}) : undefined));
  }

  #unreachable(): Error {
    return namedError(ErrorName.Broker, `Redis is unreachable (${this.url}): no reply within ${this.options.timeoutMs} ms`);
  }

  #named(error: unknown): Error {
    if ((error as Error)?.name === ErrorName.Broker) return error as Error;
    if (error instanceof ErrorReply) return namedError(ErrorName.Broker, error.message);
    return namedError(ErrorName.Broker, `Redis is unreachable (${this.url}): ${(error as Error)?.message ?? error}`);
  }

  #update(): void {
    const up = this.pub.isReady && this.sub.isReady && !this.#pubDeadlines.late && !this.#subDeadlines.late;
    if (up === this.#up || this.#closing) return;
    this.#up = up;
    if (up && this.#starting) {
      this.#starting.resolve();
      this.#starting = null;
    }
    this.options.onChange(up);
  }
}
