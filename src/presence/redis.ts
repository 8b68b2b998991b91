/**
 * The Redis presence store, shared by every host: members live in Redis (see
 * redisScripts.ts for the keys and scripts), on the shard that carries the channel's
 * pub/sub, each tagged with the host that registered it. Every host refreshes its own
 * liveness key (expiring after two thirds of `ttl`) every sixth of `ttl`, and in the same
 * script removes the members of every host whose key is gone, sending their leave events:
 * a host killed without a goodbye has its members gone within `ttl`. Join and leave events
 * are published in the same atomic script as the change, to the channel's pub/sub channel,
 * and come back on every host (this one included) through the engine, which hands them to
 * `receive` (`publishesToHosts`).
 *
 * It is made by the Redis cluster engine, which hands it `send` (one command on a
 * channel's shard) and `sendEvery` (one command on every shard); both reject with
 * ErrorName.Broker within the engine's timeout when Redis is down or hung.
 *
 * @example
 * const store = new RedisPresenceStore({ prefix: "scx:", ttl: 30, send, sendEvery, log });
 * store.start();
 * await store.add("room/1", { client: "s1", user: "ann", info: null }, true);
 */
import type { Member, PresenceEvent, PresenceStats, PresenceStore } from "./PresenceStore.ts";
import type { Logger } from "../log/logger.ts";
import { createHash } from "node:crypto";
import { addScript, beatScript, membersScript, removeScript, statsScript } from "./redisScripts.ts";

export interface RedisPresenceOptions {
  prefix: string;
  /** Seconds a dead host's members may linger (config `presence.ttl`). */
  ttl: number;
  send: (channel: string, args: string[]) => Promise<unknown>;
  sendEvery: (args: string[]) => Promise<unknown>[];
  log?: Logger;
  /** This host's id in Redis (random by default). */
  hostId?: string;
}

/** The first character of a presence event on a channel's pub/sub channel. */
export const presenceMark = "!";

export class RedisPresenceStore implements PresenceStore {
  readonly publishesToHosts = true;
  readonly hostId: string;
  readonly #options: RedisPresenceOptions;
  readonly #livenessMs: string;
  #handler: ((event: PresenceEvent) => void) | null = null;
  #swept: (() => void) | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(options: RedisPresenceOptions) {
    this.#options = options;
    this.hostId = options.hostId ?? crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    this.#livenessMs = String(Math.max(100, Math.round(options.ttl * 1000 * 2 / 3)));
  }

  /** Start the heartbeat (and the sweep of dead hosts' members). */
  start(): void {
    if (this.#timer) return;
    const every = Math.max(100, Math.round(this.#options.ttl * 1000 / 6));
    this.#timer = setInterval(() => this.#beat("0"), every);
    this.#beat("0");
  }

  async add(ch: string, member: Member, announce: boolean): Promise<boolean> {
    const { prefix } = this.#options;
    const added = await this.#eval(ch, addScript, [prefix, ch, member.client, this.hostId, announce ? "1" : "0",
      JSON.stringify(member), member.user ?? "", this.#livenessMs]);
    return added === 1;
  }

  async remove(ch: string, client: string): Promise<Member | null> {
    const json = await this.#eval(ch, removeScript, [this.#options.prefix, ch, client]);
    return typeof json === "string" ? JSON.parse(json) as Member : null;
  }

  async members(ch: string, limit: number): Promise<Member[] | null> {
    const values = await this.#eval(ch, membersScript, [this.#options.prefix, ch, String(limit)]);
    if (!Array.isArray(values)) return null;
    return values.map((value: string) => JSON.parse(value.slice(value.indexOf("|") + 2)) as Member);
  }

  async stats(ch: string): Promise<PresenceStats> {
    const [clients, users] = await this.#eval(ch, statsScript, [this.#options.prefix, ch]) as [number, number];
    return { clients, users };
  }

  onEvent(handler: (event: PresenceEvent) => void): void {
    this.#handler = handler;
  }

  /** Called when this host's members were swept (Redis out of reach past the ttl): register them again. */
  onSwept(handler: () => void): void {
    this.#swept = handler;
  }

  /** A message from a channel's pub/sub channel that starts with `presenceMark`. */
  receive(ch: string, message: string): void {
    this.#handler?.({ ch, join: message.charCodeAt(1) === 49 /* 1 */, member: JSON.parse(message.slice(2)) });
  }

  /** Stop the heartbeat and remove this host's members now (with their leave events). */
  async close(): Promise<void> {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = null;
    await Promise.allSettled(this.#beatCalls("1"));
  }

  #beat(drop: string): void {
    for (const call of this.#beatCalls(drop)) {
      call.then((reply) => {
        const [removed, swept] = reply as [number, number];
        if (removed > 0) this.#options.log?.info("Removed the members of hosts that stopped", { members: removed });
        if (swept > 0) {
          this.#options.log?.warn("This host's presence members were removed while Redis was out of reach: registering them again");
          this.#swept?.();
        }
      }, () => {});
    }
  }

  #beatCalls(drop: string): Promise<unknown>[] {
    // A few times per ttl: the script text is sent each time rather than cached by SHA.
    return this.#options.sendEvery(["EVAL", beatScript, "0", this.#options.prefix, this.hostId, this.#livenessMs, drop]);
  }

  async #eval(ch: string, script: string, args: string[]): Promise<unknown> {
    try {
      return await this.#options.send(ch, ["EVALSHA", sha(script), "0", ...args]);
    } catch (error) {
      if (!noScript(error)) throw error;
      return await this.#options.send(ch, ["EVAL", script, "0", ...args]);
    }
  }
}

function noScript(error: unknown): boolean {
  return String((error as Error)?.message).startsWith("NOSCRIPT");
}

const shas = new Map<string, string>();

/** The SHA1 Redis knows a script by (computed once per script). */
function sha(script: string): string {
  let known = shas.get(script);
  if (!known) shas.set(script, known = createHash("sha1").update(script).digest("hex"));
  return known;
}
