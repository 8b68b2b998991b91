/**
 * The Redis engine: carries publications between hosts over Redis pub/sub, sharded over
 * several Redis instances by consistent hashing of channel names, and provides the
 * history store every host shares (src/history/redis.ts), each channel's history on the
 * shard of its pub/sub. Only src/cluster/ imports the Redis client (node-redis:
 * maintained by Redis, runs on Bun and Deno, reconnects and resubscribes by itself).
 *
 * While a shard is down or hung, ephemeral publications for its channels reach local
 * subscribers only (the broker delivers them before the engine sees them) and are
 * dropped for other hosts: nothing buffers without bound. History appends and reads
 * reject with ErrorName.Broker within `timeoutMs`. The outage is logged when it starts
 * and ends; what it drops is counted and logged while it lasts (DropReport: a line a
 * second after the first drop, then every 5 s). A hung shard is noticed by its bounded
 * queue of replies (RedisShard, Deadlines), never by the client library's own timeout. Pub/sub message format: pubsubMessage.ts. Kept publications that
 * pub/sub lost (a reconnect) are read back from the history stream (KeptStreams.ts).
 *
 * @example
 * const engine = new RedisEngine({ urls: ["redis://127.0.0.1:6379"], prefix: "scx:", log });
 * await engine.connect();
 */
import type { ClusterEngine, EngineState } from "./ClusterEngine.ts";
import type { Publication } from "../protocol/publication.ts";
import { HashRing } from "./hashRing.ts";
import { RedisShard } from "./RedisShard.ts";
import { decodeMessage, encodeEphemeral, hostIdLength } from "./pubsubMessage.ts";
import { RedisHistoryStore } from "../history/redis.ts";
import { KeptStreams } from "./KeptStreams.ts";
import { DropReport } from "./DropReport.ts";
import { RedisConnectionCaps } from "./redisCaps.ts";
import { RedisPresenceStore, presenceMark } from "../presence/redis.ts";
import { RedisWebhookStore } from "../webhooks/redis.ts";
import type { Logger } from "../log/logger.ts";

/** Where the Redis shards are, the key and channel prefix, and the longest wait for a reply. */
export interface RedisEngineOptions {
  urls: string[];
  prefix: string;
  log: Logger;
  /** Longest wait for a Redis reply before a command fails and the shard counts as down (ms). */
  timeoutMs?: number;
  /** Seconds a killed host's presence members may linger (config `presence.ttl`, default 30). */
  presenceTtl?: number;
}

/** Longest wait for a Redis reply by default (ms): `new RedisEngine({ ..., timeoutMs: 500 })` to change it. */
export const defaultRedisTimeoutMs = 2000;

export class RedisEngine implements ClusterEngine {
  /** Marks this host's own ephemeral publications so the echo from Redis is ignored. */
  readonly #hostId = crypto.randomUUID().replaceAll("-", "").slice(0, hostIdLength);
  readonly #shards = new Map<string, RedisShard>();
  readonly #ring: HashRing<string>;
  readonly #prefix: string;
  readonly #log: Logger;
  readonly history: RedisHistoryStore;
  readonly caps: RedisConnectionCaps;
  readonly presence: RedisPresenceStore;
  readonly webhooks: RedisWebhookStore;
  #handler: ((pub: Publication) => void) | null = null;
  #stateHandler: ((state: EngineState) => void) | null = null;
  /** Ephemeral publications dropped for other hosts (shard down or hung, or its queue full), logged while it lasts. */
  readonly #drops: DropReport;
  readonly #pending = new Set<Promise<unknown>>();
  /** Subscribes not yet answered, so a second caller waits for the same reply. */
  readonly #subscribing = new Map<string, Promise<void>>();
  /** Kept publications pass here: gaps that pub/sub left are filled from the history stream. */
  readonly #kept: KeptStreams;

  constructor(options: RedisEngineOptions) {
    this.#prefix = options.prefix;
    this.#log = options.log;
    this.#ring = new HashRing(options.urls);
    this.#drops = new DropReport(this.#log, "Dropped publications for other hosts: Redis is down, hung or too slow (this host's subscribers still get them)", () => ({
      down: this.downShards,
    }));
    const timeoutMs = options.timeoutMs ?? defaultRedisTimeoutMs;
    for (const url of options.urls) {
      const shard = new RedisShard(url, { timeoutMs, onChange: (up) => this.#changed(shard, up) });
      shard.onReady(() => {
        for (const args of RedisHistoryStore.loadCommands()) shard.command(args).catch(() => {});
      });
      this.#shards.set(url, shard);
    }
    this.history = new RedisHistoryStore({ prefix: this.#prefix, send: (channel, args) => this.#shardFor(channel).command(args) });
    this.presence = new RedisPresenceStore({
      prefix: this.#prefix, ttl: options.presenceTtl ?? 30, log: this.#log,
      send: (channel, args) => this.#shardFor(channel).command(args),
      sendEvery: (args) => [...this.#shards.values()].map((shard) => shard.command(args)),
    });
    this.webhooks = new RedisWebhookStore({ prefix: this.#prefix, send: (key, args) => this.#shardFor(key).command(args) });
    this.caps = new RedisConnectionCaps({
      prefix: this.#prefix,
      send: (key, args) => this.#shardFor(key).command(args),
      sendEvery: (args) => [...this.#shards.values()].map((shard) => shard.command(args)),
    });
    this.#kept = new KeptStreams((channel, from) => this.history.range(channel, from), (pub) => this.#handler?.(pub));
    for (const shard of this.#shards.values()) {
      shard.onSubReady(() => this.#kept.resync((channel) => this.#shardFor(channel) === shard));
    }
  }

  /** Connect every shard; resolves when all are ready (or fails fast on a bad URL). */
  async connect(): Promise<void> {
    await Promise.all([...this.#shards.values()].map((shard) => shard.connect()));
    this.presence.start();
  }

  publish(pub: Publication): void {
    const shard = this.#shardFor(pub.ch);
    if (!shard.up) return this.#drops.count();
    shard.command(["PUBLISH", this.#prefix + pub.ch, encodeEphemeral(this.#hostId, pub)]).catch(this.#dropOne);
  }

  /** Resolves once Redis has answered the SUBSCRIBE (at once while the shard is down after having been up). */
  subscribe(channel: string): Promise<void> {
    const shard = this.#shardFor(channel);
    if (shard.channels.has(channel)) return this.#subscribing.get(channel) ?? Promise.resolve();
    shard.channels.add(channel);
    // When the shard is down, node-redis subscribes again on reconnect (it keeps the listener).
    const command = shard.sub.subscribe(this.#prefix + channel, this.#listener);
    if (!shard.up && !shard.starting) {
      this.#track(command);
      return Promise.resolve();
    }
    const done = shard.subCommand(command).finally(() => {
      if (this.#subscribing.get(channel) === done) this.#subscribing.delete(channel);
    });
    // Handled here too, so a caller that ignores the Promise never sees an unhandled rejection.
    done.catch(() => {});
    this.#subscribing.set(channel, done);
    this.#track(done);
    return done;
  }

  unsubscribe(channel: string): void {
    const shard = this.#shardFor(channel);
    if (!shard.channels.delete(channel)) return;
    this.#subscribing.delete(channel);
    this.#kept.forget(channel);
    this.#track(shard.subCommand(shard.sub.unsubscribe(this.#prefix + channel, this.#listener)));
  }

  readonly #dropOne = () => this.#drops.count();

  /** Resolves when every subscribe and unsubscribe so far has been answered by Redis. */
  async settle(): Promise<void> {
    await Promise.all(this.#pending);
  }

  #track(command: Promise<unknown>): void {
    const tracked = command.catch(() => {}).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  onPublication(handler: (pub: Publication) => void): void {
    this.#handler = handler;
  }

  onStateChange(handler: (state: EngineState) => void): void {
    this.#stateHandler = handler;
  }

  state(): EngineState {
    for (const shard of this.#shards.values()) if (!shard.up) return "down";
    return "ready";
  }

  /**
   * The shards known down or hung now (their URLs): publications on their channels drop.
   * `state()` is "down" while any is; each shard notices its own outage in its own time.
   */
  get downShards(): string[] {
    return [...this.#shards.values()].filter((shard) => !shard.up).map((shard) => shard.url);
  }

  /** Publications dropped for other hosts while a shard was down, hung or its queue full. */
  get dropped(): number {
    return this.#drops.total;
  }

  async close(): Promise<void> {
    this.#drops.close();
    await this.presence.close();
    await Promise.all([...this.#shards.values()].map((shard) => shard.close()));
  }

  readonly #listener = (message: string, redisChannel: string) => {
    if (message.startsWith(presenceMark)) return this.presence.receive(redisChannel.slice(this.#prefix.length), message);
    const pub = decodeMessage(message, redisChannel.slice(this.#prefix.length), this.#hostId);
    if (!pub) return;
    if (pub.offset === undefined) this.#handler?.(pub);
    else this.#kept.receive(pub);
  };

  #shardFor(channel: string): RedisShard {
    return this.#shards.get(this.#ring.shardFor(channel))!;
  }

  #changed(shard: RedisShard, up: boolean): void {
    if (up) this.#log.info("Redis shard is up", { url: shard.url, channels: shard.channels.size, droppedTotal: this.#drops.total });
    else this.#log.error("Redis shard is down or not answering: publications reach this host's subscribers only, history channels refuse publications until it is back", { url: shard.url });
    this.#stateHandler?.(this.state());
  }
}
