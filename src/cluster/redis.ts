/**
 * The Redis engine: carries publications between hosts over Redis pub/sub, sharded over
 * several Redis instances by consistent hashing of channel names. Only this file imports
 * the Redis client (node-redis: maintained by Redis, runs on Bun and Deno, reconnects
 * and resubscribes by itself).
 *
 * While a shard is down, publications for its channels reach local subscribers only (the
 * broker delivers them before the engine sees them) and are dropped for other hosts:
 * nothing buffers without bound. The outage is logged once, and once again on recovery.
 *
 * @example
 * const engine = new RedisEngine({ urls: ["redis://127.0.0.1:6379"], prefix: "scx:", log });
 * await engine.connect();
 */
import { createClient, type RedisClientType } from "redis";
import type { ClusterEngine, EngineState } from "./ClusterEngine.ts";
import { HashRing } from "./hashRing.ts";
import type { Logger } from "../log/logger.ts";

const idLength = 16;

interface Shard {
  url: string;
  pub: RedisClientType;
  sub: RedisClientType;
  up: boolean;
  channels: Set<string>;
}

export interface RedisEngineOptions { urls: string[]; prefix: string; log: Logger }

export class RedisEngine implements ClusterEngine {
  /** Marks this host's own publications so the echo from Redis is ignored. */
  readonly #hostId = crypto.randomUUID().replaceAll("-", "").slice(0, idLength);
  readonly #shards = new Map<string, Shard>();
  readonly #ring: HashRing<string>;
  readonly #prefix: string;
  readonly #log: Logger;
  #handler: ((channel: string, frame: string) => void) | null = null;
  #stateHandler: ((state: EngineState) => void) | null = null;
  #dropped = 0;
  #closing = false;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(options: RedisEngineOptions) {
    this.#prefix = options.prefix;
    this.#log = options.log;
    this.#ring = new HashRing(options.urls);
    for (const url of options.urls) this.#shards.set(url, this.#makeShard(url));
  }

  /** Connect every shard; resolves when all are ready (or fails fast on a bad URL). */
  async connect(): Promise<void> {
    await Promise.all([...this.#shards.values()].flatMap((shard) => [shard.pub.connect(), shard.sub.connect()]));
  }

  publish(channel: string, frame: string): void {
    const shard = this.#shardFor(channel);
    if (!shard.up) {
      this.#dropped++;
      return;
    }
    shard.pub.publish(this.#prefix + channel, this.#hostId + frame).catch(() => { this.#dropped++; });
  }

  subscribe(channel: string): void {
    const shard = this.#shardFor(channel);
    if (shard.channels.has(channel)) return;
    shard.channels.add(channel);
    // When the shard is down, node-redis subscribes again on reconnect (it keeps the listener).
    this.#track(shard.sub.subscribe(this.#prefix + channel, this.#listener));
  }

  unsubscribe(channel: string): void {
    const shard = this.#shardFor(channel);
    if (!shard.channels.delete(channel)) return;
    this.#track(shard.sub.unsubscribe(this.#prefix + channel, this.#listener));
  }

  /** Resolves when every subscribe and unsubscribe so far has been answered by Redis. */
  async settle(): Promise<void> {
    await Promise.all(this.#pending);
  }

  #track(command: Promise<unknown>): void {
    const tracked = command.catch(() => {}).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  onPublication(handler: (channel: string, frame: string) => void): void {
    this.#handler = handler;
  }

  onStateChange(handler: (state: EngineState) => void): void {
    this.#stateHandler = handler;
  }

  state(): EngineState {
    const shards = [...this.#shards.values()];
    return shards.every((shard) => shard.up) ? "ready" : "down";
  }

  /** Publications dropped for other hosts while a shard was down. */
  get dropped(): number {
    return this.#dropped;
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#shards.values()].flatMap((shard) =>
      [shard.pub, shard.sub].map((client) => client.isOpen ? client.close().catch(() => {}) : undefined)));
  }

  readonly #listener = (message: string, redisChannel: string) => {
    if (message.startsWith(this.#hostId)) return;
    this.#handler?.(redisChannel.slice(this.#prefix.length), message.slice(idLength));
  };

  #shardFor(channel: string): Shard {
    return this.#shards.get(this.#ring.shardFor(channel))!;
  }

  #makeShard(url: string): Shard {
    const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 3000);
    const pub = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy } }) as RedisClientType;
    const sub = createClient({ url, socket: { reconnectStrategy } }) as RedisClientType;
    const shard: Shard = { url, pub, sub, up: false, channels: new Set() };
    const update = () => {
      const up = pub.isReady && sub.isReady;
      if (up === shard.up || this.#closing) return;
      shard.up = up;
      if (up) this.#log.info("Redis shard is up", { url, channels: shard.channels.size, droppedWhileDown: this.#dropped });
      else this.#log.error("Redis shard is down: publications reach this host's subscribers only until it is back", { url });
      this.#stateHandler?.(this.state());
    };
    for (const client of [pub, sub]) {
      // Errors are reported through the up/down transitions above, once per outage.
      client.on("error", () => {});
      client.on("ready", update);
      client.on("end", update);
      client.on("reconnecting", update);
    }
    return shard;
  }
}
