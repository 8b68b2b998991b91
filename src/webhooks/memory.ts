/**
 * The memory webhook store: queues, occupancy and member counts inside the broker that
 * owns the channels (one host). Pending deliveries live as long as the broker thread.
 * See WebhookStore.ts for the contract.
 *
 * @example
 * const store = new MemoryWebhookStore();
 * store.push("t1", [{ lane: "chat", events: ['{"name":"subscribe"}'] }], 100);
 */
import { type Claim, type LanePush, leaseToken, type WebhookStore } from "./WebhookStore.ts";

interface Lane {
  events: string[];
  /** Epoch ms from which the lane may be claimed (a lease or a backoff pushes it later). */
  readyAt: number;
  token: string | null;
  attempts: number;
  since: number;
}

interface Queue { lanes: Map<string, Lane>; size: number }

export class MemoryWebhookStore implements WebhookStore {
  readonly #queues = new Map<string, Queue>();
  /** target → channel → hosts occupying it */
  readonly #occupied = new Map<string, Map<string, Set<string>>>();
  /** target → channel → token of the pending vacate */
  readonly #vacating = new Map<string, Map<string, string>>();
  /** channel → user → connections */
  readonly #users = new Map<string, Map<string, number>>();

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
      const events = lane.events.slice(0, max - total);
      lane.token = leaseToken();
      lane.readyAt = now + leaseMs;
      claims.push({ lane: name, token: lane.token, events, attempts: lane.attempts, since: lane.since });
      total += events.length;
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

  occupy(target: string, ch: string, host: string): boolean {
    let channels = this.#occupied.get(target);
    if (!channels) this.#occupied.set(target, channels = new Map());
    let hosts = channels.get(ch);
    if (!hosts) channels.set(ch, hosts = new Set());
    if (hosts.has(host)) return false;
    hosts.add(host);
    if (hosts.size > 1) return false;
    // Back within the vacate delay: the channel never stopped being occupied.
    return !this.#vacating.get(target)?.delete(ch);
  }

  vacate(target: string, ch: string, host: string, _delayMs: number): string | null {
    const hosts = this.#occupied.get(target)?.get(ch);
    if (!hosts?.delete(host) || hosts.size > 0) return null;
    this.#occupied.get(target)!.delete(ch);
    let vacating = this.#vacating.get(target);
    if (!vacating) this.#vacating.set(target, vacating = new Map());
    const token = leaseToken();
    vacating.set(ch, token);
    return token;
  }

  vacated(target: string, ch: string, token: string): boolean {
    const vacating = this.#vacating.get(target);
    if (vacating?.get(ch) !== token) return false;
    vacating.delete(ch);
    return true;
  }

  userJoin(ch: string, user: string): boolean {
    let users = this.#users.get(ch);
    if (!users) this.#users.set(ch, users = new Map());
    const count = (users.get(user) ?? 0) + 1;
    users.set(user, count);
    return count === 1;
  }

  userLeave(ch: string, user: string): boolean {
    const users = this.#users.get(ch);
    const count = users?.get(user);
    if (!users || count === undefined) return false;
    if (count > 1) {
      users.set(user, count - 1);
      return false;
    }
    users.delete(user);
    if (users.size === 0) this.#users.delete(ch);
    return true;
  }

  async close(): Promise<void> {}
}
