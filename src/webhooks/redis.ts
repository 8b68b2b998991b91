/**
 * The Redis webhook store, shared by every host: each target's queue, occupancy and the
 * member counts live in Redis (see redisScripts.ts for the keys), so events queued by a
 * host that is killed are delivered by whichever host claims them next (its lease ends
 * after `leaseMs`), the restarted one included. A target's keys (its queue,
 * occupancy and member counts) sit on the shard of `wh:<target>`.
 *
 * It is made by the Redis cluster engine, which hands it `send` (one command on the shard
 * of a key), rejecting with ErrorName.Broker within the engine's timeout when Redis is
 * down or hung.
 *
 * @example
 * const store = new RedisWebhookStore({ prefix: "scx:", send });
 * await store.push("t1", [{ lane: "chat", events: ['{"name":"subscribe"}'] }], 100_000);
 */
import { createHash } from "node:crypto";
import { type BeatOptions, type BeatResult, type Claim, type LanePush, leaseToken, type WebhookStore } from "./WebhookStore.ts";
import { ackScript, beatScript, claimScript, occupyScript, pushScript, retryScript, userJoinScript, userLeaveScript, vacatedScript, vacateScript } from "./redisScripts.ts";

export interface RedisWebhookOptions {
  prefix: string;
  send: (key: string, args: string[]) => Promise<unknown>;
}

export class RedisWebhookStore implements WebhookStore {
  readonly #options: RedisWebhookOptions;

  constructor(options: RedisWebhookOptions) {
    this.#options = options;
  }

  #base(target: string): string {
    return `${this.#options.prefix}wh:${target}:`;
  }

  async push(target: string, lanes: LanePush[], limit: number): Promise<number> {
    const args = [this.#base(target), String(limit)];
    for (const { lane, events } of lanes) args.push(lane, String(events.length), ...events);
    return Number(await this.#eval(target, pushScript, args));
  }

  async claim(target: string, now: number, max: number, leaseMs: number): Promise<Claim[]> {
    const reply = await this.#eval(target, claimScript, [this.#base(target), String(now), String(max), String(leaseMs), leaseToken()]) as unknown[];
    const claims: Claim[] = [];
    for (let i = 0; i + 3 < reply.length; i += 4) {
      const [attempts, since] = String(reply[i + 2]).split(":").map(Number);
      claims.push({ lane: String(reply[i]), token: String(reply[i + 1]), attempts: attempts!, since: since!, events: (reply[i + 3] as unknown[]).map(String) });
    }
    return claims;
  }

  async ack(target: string, lane: string, token: string, count: number): Promise<void> {
    await this.#eval(target, ackScript, [this.#base(target), lane, token, String(count)]);
  }

  drop(target: string, lane: string, token: string, count: number): Promise<void> {
    return this.ack(target, lane, token, count);
  }

  async retry(target: string, lane: string, token: string, at: number, attempts: number, since: number): Promise<void> {
    await this.#eval(target, retryScript, [this.#base(target), lane, token, String(at), String(attempts), String(since)]);
  }

  async queued(target: string): Promise<number> {
    return Number(await this.#options.send(this.#key(target), ["GET", `${this.#base(target)}n`]) ?? 0);
  }

  async occupy(target: string, ch: string, host: string): Promise<boolean> {
    return await this.#eval(target, occupyScript, [this.#base(target), ch, host]) === 1;
  }

  async vacate(target: string, ch: string, host: string, delayMs: number): Promise<string | null> {
    const token = await this.#eval(target, vacateScript, [this.#base(target), ch, host, leaseToken(), String(delayMs)]);
    return typeof token === "string" ? token : null;
  }

  async beat(target: string, host: string, options: BeatOptions): Promise<BeatResult> {
    const [vacated, left] = await this.#eval(target, beatScript, [this.#base(target), host, String(options.ttlMs), String(options.vacateDelayMs), String(options.graceMs)]) as [unknown[], unknown[]];
    return {
      vacated: vacated.map(String),
      left: left.map((key) => {
        const text = String(key);
        const at = text.indexOf("\n");
        return { ch: text.slice(0, at), user: text.slice(at + 1) };
      }),
    };
  }

  async vacated(target: string, ch: string, token: string): Promise<boolean> {
    return await this.#eval(target, vacatedScript, [this.#base(target), ch, token]) === 1;
  }

  async userJoin(target: string, ch: string, user: string, host: string): Promise<boolean> {
    return await this.#eval(target, userJoinScript, [this.#base(target), ch, user, host]) === 1;
  }

  async userLeave(target: string, ch: string, user: string, host: string): Promise<boolean> {
    return await this.#eval(target, userLeaveScript, [this.#base(target), ch, user, host]) === 1;
  }

  async close(): Promise<void> {}

  #key(target: string): string {
    return `wh:${target}`;
  }

  #eval(target: string, script: string, args: string[]): Promise<unknown> {
    return this.#evalOn(this.#key(target), script, args);
  }

  async #evalOn(key: string, script: string, args: string[]): Promise<unknown> {
    try {
      return await this.#options.send(key, ["EVALSHA", sha(script), "0", ...args]);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return await this.#options.send(key, ["EVAL", script, "0", ...args]);
    }
  }
}

const shas = new Map<string, string>();

/** The SHA1 Redis knows a script by (computed once per script). */
function sha(script: string): string {
  let known = shas.get(script);
  if (!known) shas.set(script, known = createHash("sha1").update(script).digest("hex"));
  return known;
}
