/**
 * The memory webhook store: queues, occupancy and member counts inside the broker that
 * owns the channels (one host). Pending deliveries live as long as the broker thread.
 * See WebhookStore.ts for the contract.
 *
 * @example
 * const store = new MemoryWebhookStore();
 * store.push("t1", [{ lane: "chat", events: ['{"name":"subscribe"}'] }], 100);
 */
import { type BeatOptions, type BeatResult, type Claim, type LanePush, leaseToken, type WebhookStore } from "./WebhookStore.ts";

interface Lane {
  events: string[];
  /** Epoch ms from which the lane may be claimed (a lease or a backoff pushes it later). */
  readyAt: number;
  token: string | null;
  attempts: number;
  since: number;
}

interface Queue { lanes: Map<string, Lane>; size: number }

interface Occupancy {
  /** channel → hosts occupying it */
  channels: Map<string, Set<string>>;
  /** host → channels it occupies */
  byHost: Map<string, Set<string>>;
  /** host → epoch ms its liveness ends */
  hosts: Map<string, number>;
  /** channel → its pending vacate */
  vacating: Map<string, { token: string; due: number }>;
  /** `<ch>\n<user>` → connections, on every host */
  users: Map<string, number>;
  /** host → `<ch>\n<user>` → its connections */
  usersByHost: Map<string, Map<string, number>>;
}

export class MemoryWebhookStore implements WebhookStore {
  readonly #queues = new Map<string, Queue>();
  /** target → who occupies which channel, who is alive, which vacates are pending */
  readonly #occupancies = new Map<string, Occupancy>();

  #queue(target: string): Queue {
    let queue = this.#queues.get(target);
    if (!queue) this.#queues.set(target, queue = { lanes: new Map(), size: 0 });
    return queue;
  }

  push(target: string, lanes: LanePush[], limit: number): number {
    const queue = this.#queue(target);
    let refused = 0;
    for (const { lane: name, events } of lanes) {
      const room = Math.max(0, limit - queue.size);
      const taken = events.length <= room ? events : events.slice(0, room);
      refused += events.length - taken.length;
      if (taken.length === 0) continue;
      let lane = queue.lanes.get(name);
      if (!lane) queue.lanes.set(name, lane = { events: [], readyAt: 0, token: null, attempts: 0, since: 0 });
      lane.events.push(...taken);
      queue.size += taken.length;
    }
    return refused;
  }

  claim(target: string, now: number, max: number, leaseMs: number): Claim[] {
    const claims: Claim[] = [];
    let total = 0;
    for (const [name, lane] of this.#queue(target).lanes) {
      if (total >= max) break;
      if (lane.readyAt > now) continue;
      // A lane that failed goes alone, so a channel the receiver rejects holds back no other.
      if (lane.attempts > 0 && claims.length > 0) continue;
      const events = lane.events.slice(0, max - total);
      lane.token = leaseToken();
      lane.readyAt = now + leaseMs;
      claims.push({ lane: name, token: lane.token, events, attempts: lane.attempts, since: lane.since });
      total += events.length;
      if (lane.attempts > 0) break;
    }
    return claims;
  }

  ack(target: string, lane: string, token: string, count: number): void {
    this.#remove(target, lane, token, count);
  }

  drop(target: string, lane: string, token: string, count: number): void {
    this.#remove(target, lane, token, count);
  }

  retry(target: string, name: string, token: string, at: number, attempts: number, since: number): void {
    const lane = this.#queue(target).lanes.get(name);
    if (!lane || lane.token !== token) return;
    Object.assign(lane, { token: null, readyAt: at, attempts, since });
  }

  queued(target: string): number {
    return this.#queue(target).size;
  }

  #remove(target: string, name: string, token: string, count: number): void {
    const queue = this.#queue(target);
    const lane = queue.lanes.get(name);
    if (!lane || lane.token !== token) return;
    const removed = lane.events.splice(0, count).length;
    queue.size -= removed;
    Object.assign(lane, { token: null, readyAt: 0, attempts: 0, since: 0 });
    if (lane.events.length === 0) queue.lanes.delete(name);
    else {
      // To the back: lanes take turns, so one busy channel cannot starve the others.
      queue.lanes.delete(name);
      queue.lanes.set(name, lane);
    }
  }

  #occupancy(target: string): Occupancy {
    let occupancy = this.#occupancies.get(target);
    if (!occupancy) this.#occupancies.set(target, occupancy = { channels: new Map(), byHost: new Map(), hosts: new Map(), vacating: new Map(), users: new Map(), usersByHost: new Map() });
    return occupancy;
  }

  occupy(target: string, ch: string, host: string): boolean {
    const occupancy = this.#occupancy(target);
    let hosts = occupancy.channels.get(ch);
    if (!hosts) occupancy.channels.set(ch, hosts = new Set());
    if (hosts.has(host)) return false;
    hosts.add(host);
    let mine = occupancy.byHost.get(host);
    if (!mine) occupancy.byHost.set(host, mine = new Set());
    mine.add(ch);
    if (hosts.size > 1) return false;
    // Back within the vacate delay: the channel never stopped being occupied.
    return !occupancy.vacating.delete(ch);
  }

  vacate(target: string, ch: string, host: string, delayMs: number): string | null {
    const occupancy = this.#occupancy(target);
    occupancy.byHost.get(host)?.delete(ch);
    return this.#leave(occupancy, ch, host, delayMs, leaseToken());
  }

  /** `now`: the sweep's own clock reading, so a beat that removes a host answers its channels in that same beat. */
  #leave(occupancy: Occupancy, ch: string, host: string, delayMs: number, token: string, now = Date.now()): string | null {
    const hosts = occupancy.channels.get(ch);
    if (!hosts?.delete(host) || hosts.size > 0) return null;
    occupancy.channels.delete(ch);
    occupancy.vacating.set(ch, { token, due: now + delayMs });
    return token;
  }

  vacated(target: string, ch: string, token: string): boolean {
    const vacating = this.#occupancy(target).vacating;
    if (vacating.get(ch)?.token !== token) return false;
    vacating.delete(ch);
    return true;
  }

  beat(target: string, host: string, options: BeatOptions): BeatResult {
    const occupancy = this.#occupancy(target);
    const now = Date.now();
    const left: BeatResult["left"] = [];
    occupancy.hosts.set(host, now + options.ttlMs);
    for (const [other, until] of occupancy.hosts) {
      if (until > now) continue;
      for (const ch of occupancy.byHost.get(other) ?? []) this.#leave(occupancy, ch, other, options.vacateDelayMs, "swept", now);
      for (const [key, n] of occupancy.usersByHost.get(other) ?? []) {
        if (!this.#userDown(occupancy, key, n)) continue;
        const at = key.indexOf("\n");
        left.push({ ch: key.slice(0, at), user: key.slice(at + 1) });
      }
      occupancy.byHost.delete(other);
      occupancy.usersByHost.delete(other);
      occupancy.hosts.delete(other);
    }
    const vacated: string[] = [];
    for (const [ch, { due: at }] of occupancy.vacating) {
      if (at + options.graceMs > now) continue;
      occupancy.vacating.delete(ch);
      vacated.push(ch);
    }
    return { vacated, left };
  }

  userJoin(target: string, ch: string, user: string, host: string): boolean {
    const occupancy = this.#occupancy(target);
    const key = `${ch}\n${user}`;
    let mine = occupancy.usersByHost.get(host);
    if (!mine) occupancy.usersByHost.set(host, mine = new Map());
    mine.set(key, (mine.get(key) ?? 0) + 1);
    const count = (occupancy.users.get(key) ?? 0) + 1;
    occupancy.users.set(key, count);
    return count === 1;
  }

  userLeave(target: string, ch: string, user: string, host: string): boolean {
    const occupancy = this.#occupancy(target);
    const key = `${ch}\n${user}`;
    const mine = occupancy.usersByHost.get(host);
    const held = mine?.get(key);
    if (held === undefined) return false;
    if (held > 1) mine!.set(key, held - 1);
    else mine!.delete(key);
    return this.#userDown(occupancy, key, 1);
  }

  /** `n` connections of a user left; true when none is left. */
  #userDown(occupancy: Occupancy, key: string, n: number): boolean {
    const count = (occupancy.users.get(key) ?? 0) - n;
    if (count > 0) {
      occupancy.users.set(key, count);
      return false;
    }
    return occupancy.users.delete(key);
  }

  async close(): Promise<void> {}
}
