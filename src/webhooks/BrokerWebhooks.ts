/**
 * A broker's webhooks: turns what it sees on the channels it owns into events for every
 * target that wants them, and delivers them (one Dispatcher per target).
 * - From its workers: connect, disconnect, subscribe, unsubscribe, client_event (`event`).
 * - Its own channel table: `occupied` when the first local subscriber of a channel
 *   arrives, `emptied` when the last leaves; the store decides across hosts whether that
 *   is `channel_occupied` (first host anywhere) or, after `vacateDelay` with nobody back,
 *   `channel_vacated` (last host anywhere). A beat every 5 s keeps this broker alive in
 *   the store: one killed without a goodbye leaves its channels within 15 s, and a
 *   vacate its host never confirmed is sent by whichever broker beats next past its due;
 *   its presence members leave too (member_removed for users it held the last connection of).
 * - Presence: `memberJoined`/`memberLeft` per connection; the store's per-user counts
 *   make `member_added`/`member_removed` once per user.
 * Work on one channel is chained, so its events are queued in the order they happened;
 * pushes are gathered per target for one tick and written in one store call. Nothing
 * here runs on the publish path. With the Redis engine the store arrives later
 * (`useStore`): until then work waits for it.
 *
 * @example
 * const webhooks = new BrokerWebhooks(webhookTargets(config), { log, awaitingStore: true });
 * webhooks.useStore(engine.webhooks);
 * webhooks.occupied("chat");
 */
import type { Logger } from "../log/logger.ts";
import type { Member } from "../protocol/presence.ts";
import type { WebhookEventName } from "../config/webhooks.ts";
import type { LanePush, WebhookStore } from "./WebhookStore.ts";
import type { WebhookTarget } from "./targets.ts";
import { type WebhookEvent, webhookEvent } from "./WebhookEvent.ts";
import { MemoryWebhookStore } from "./memory.ts";
import { Dispatcher } from "./Dispatcher.ts";
import { WebhookCounters, type WebhookStats } from "./WebhookCounters.ts";

/** How often a broker beats (ms); a pending vacate waits as long again past due for its own host. */
const beatEveryMs = 5000;
/** How long a beat keeps a broker alive in the occupancy (ms): a killed host's channels are vacated within it. */
const hostTtlMs = 15_000;

/** How an anonymous member (no user) is counted: per connection. */
const anonymous = "client:";

/** Whether a target needs this broker's beat (occupancy or member counts that a dead host must leave). */
function beats(target: WebhookTarget): boolean {
  return ["channel_occupied", "channel_vacated", "member_added", "member_removed"].some((name) => target.wants(name as WebhookEventName));
}

export class BrokerWebhooks {
  readonly counters = new WebhookCounters();
  readonly #targets: WebhookTarget[];
  readonly #dispatchers = new Map<string, Dispatcher>();
  readonly #log: Logger | null;
  #store: WebhookStore | null;
  #shared = false;
  /** Resolves when the store is there. */
  #ready: Promise<void>;
  #resolveReady: () => void = () => {};
  /** This broker in the store's occupancy sets (random: one per broker incarnation). */
  readonly #host = crypto.randomUUID().slice(0, 12);
  /** channel → the last piece of work queued for it */
  readonly #chains = new Map<string, Promise<void>>();
  /** target id → lane → formatted events waiting for this tick's push */
  readonly #pending = new Map<string, Map<string, string[]>>();
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #beatTimer: ReturnType<typeof setInterval> | null = null;
  #loggedFailure = 0;
  #closed = false;

  constructor(targets: WebhookTarget[], options: { log?: Logger | null; awaitingStore?: boolean } = {}) {
    this.#targets = targets;
    this.#log = options.log ?? null;
    this.#store = options.awaitingStore ? null : new MemoryWebhookStore();
    this.#ready = this.#store ? Promise.resolve() : new Promise((resolve) => { this.#resolveReady = resolve; });
    for (const target of targets) {
      const dispatcher = new Dispatcher(target, () => this.#store, this.counters, this.#log);
      this.#dispatchers.set(target.id, dispatcher);
      dispatcher.start();
    }
    if (targets.some(beats)) {
      void this.#ready.then(() => {
        if (this.#closed) return;
        this.#beat();
        this.#beatTimer = setInterval(() => this.#beat(), beatEveryMs);
      });
    }
  }

  /**
   * Keep this broker alive in the occupancy (a killed one's channels are vacated by the
   * others within its ttl), and send channel_vacated for pending vacates whose own host
   * never confirmed them (it died or stopped within the delay).
   */
  #beat(): void {
    for (const target of this.#targets) {
      if (!beats(target)) continue;
      const options = { ttlMs: hostTtlMs, vacateDelayMs: target.vacateDelay, graceMs: beatEveryMs };
      this.#chain("", async (store) => {
        const { vacated, left } = await store.beat(target.id, this.#host, options);
        for (const ch of vacated) {
          if (target.wants("channel_vacated", ch)) this.#chain(ch, () => this.#queueFor(target, webhookEvent("channel_vacated", { channel: ch })));
        }
        for (const { ch, user } of left) {
          const member = user.startsWith(anonymous) ? { client: user.slice(anonymous.length), user: null, info: null } : { client: "", user, info: null };
          const event = webhookEvent("member_removed", memberFields(ch, member));
          if (target.accepts(event)) this.#chain(ch, () => this.#queueFor(target, event));
        }
      });
    }
  }

  /** Whether any target takes events of this kind (on this channel). */
  wants(name: WebhookEventName, channel?: string): boolean {
    return this.#targets.some((target) => target.wants(name, channel));
  }

  /** Use a store every host shares (the Redis engine's). */
  useStore(store: WebhookStore): void {
    this.#store = store;
    this.#shared = true;
    this.#resolveReady();
  }

  /** An event a worker saw (connect, disconnect, subscribe, unsubscribe, client_event). */
  event(event: WebhookEvent): void {
    this.#chain(event.channel ?? "", () => this.#queue(event));
  }

  /** The first subscriber of a channel on this host arrived; `silent`: a restarted broker's resync (counted, not sent). */
  occupied(ch: string, silent = false): void {
    const targets = this.#targets.filter((t) => t.wants("channel_occupied", ch) || t.wants("channel_vacated", ch));
    if (targets.length === 0) return;
    this.#chain(ch, async (store) => {
      const event = webhookEvent("channel_occupied", { channel: ch });
      for (const target of targets) {
        if (await store.occupy(target.id, ch, this.#host) && !silent && target.wants("channel_occupied", ch)) this.#queueFor(target, event);
      }
    });
  }

  /** The last subscriber of a channel on this host left. */
  emptied(ch: string): void {
    const targets = this.#targets.filter((t) => t.wants("channel_occupied", ch) || t.wants("channel_vacated", ch));
    if (targets.length === 0) return;
    this.#chain(ch, async (store) => {
      for (const target of targets) {
        const token = await store.vacate(target.id, ch, this.#host, target.vacateDelay);
        if (token === null) continue;
        // Settled even for a target without channel_vacated: until then a new subscriber is no new occupation.
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#chain(ch, async (later) => {
            if (await later.vacated(target.id, ch, token) && target.wants("channel_vacated", ch)) {
              this.#queueFor(target, webhookEvent("channel_vacated", { channel: ch }));
            }
          });
        }, target.vacateDelay);
        this.#timers.add(timer);
      }
    });
  }

  /** A connection joined a presence channel (a new member entry); `silent`: a restarted broker's resync, counted but not sent. */
  memberJoined(ch: string, member: Member, silent = false): void {
    this.#member("member_added", ch, member, silent);
  }

  /** A connection left a presence channel. */
  memberLeft(ch: string, member: Member): void {
    this.#member("member_removed", ch, member);
  }

  /** Counted per target that takes member events (so each has its own dead-host sweep), told per user. */
  #member(name: "member_added" | "member_removed", ch: string, member: Member, silent = false): void {
    const targets = this.#targets.filter((t) => t.wants("member_added", ch) || t.wants("member_removed", ch));
    if (targets.length === 0) return;
    const user = member.user ?? `${anonymous}${member.client}`;
    this.#chain(ch, async (store) => {
      const event = webhookEvent(name, memberFields(ch, member));
      for (const target of targets) {
        const changed = name === "member_added" ? await store.userJoin(target.id, ch, user, this.#host) : await store.userLeave(target.id, ch, user, this.#host);
        if (changed && !silent && target.accepts(event)) this.#queueFor(target, event);
      }
    });
  }

  stats(): WebhookStats & { queuedShared: boolean } {
    return { ...this.counters.snapshot(), queuedShared: this.#shared };
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#beatTimer) clearInterval(this.#beatTimer);
    for (const timer of this.#timers) clearTimeout(timer);
    // Work still waiting for a store that never came is dropped with the broker.
    if (this.#store) await Promise.allSettled(this.#chains.values());
    await this.#flush();
    await Promise.all([...this.#dispatchers.values()].map((d) => d.close()));
    await this.#store?.close();
  }

  #chain(ch: string, work: (store: WebhookStore) => void | Promise<void>): void {
    if (this.#closed) return;
    const before = this.#chains.get(ch) ?? this.#ready;
    const next = before.then(() => work(this.#store!)).catch((error) => {
      this.counters.dropped.store++;
      // At most one line every 5 s while the store fails (counted either way).
      if (Date.now() - this.#loggedFailure < 5000) return;
      this.#loggedFailure = Date.now();
      this.#log?.warn("Webhooks: the store failed; events were lost (scx_webhook_events_dropped_total{reason=\"store\"})", { channel: ch || undefined, error: String(error) });
    });
    this.#chains.set(ch, next);
    next.then(() => { if (this.#chains.get(ch) === next) this.#chains.delete(ch); });
  }

  #queue(event: WebhookEvent): void {
    for (const target of this.#targets) if (target.accepts(event)) this.#queueFor(target, event);
  }

  #queueFor(target: WebhookTarget, event: WebhookEvent): void {
    let lanes = this.#pending.get(target.id);
    if (!lanes) this.#pending.set(target.id, lanes = new Map());
    const lane = event.channel ?? "";
    let events = lanes.get(lane);
    if (!events) lanes.set(lane, events = []);
    events.push(target.format(event));
    this.#flushTimer ??= setTimeout(() => void this.#flush(), 0);
  }

  async #flush(): Promise<void> {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    const store = this.#store;
    if (!store) return;
    const pending = [...this.#pending];
    this.#pending.clear();
    await Promise.all(pending.map(async ([id, lanes]) => {
      const target = this.#targets.find((t) => t.id === id)!;
      const pushes: LanePush[] = [...lanes].map(([lane, events]) => ({ lane, events }));
      try {
        const refused = await store.push(id, pushes, target.queueLimit);
        if (refused > 0) {
          this.counters.dropped.overflow += refused;
          this.#log?.warn("Webhook queue full: dropped new events", { url: target.url, dropped: refused, queueLimit: target.queueLimit });
        }
        this.#dispatchers.get(id)?.notify();
      } catch (error) {
        const lost = pushes.reduce((n, p) => n + p.events.length, 0);
        this.counters.dropped.store += lost;
        if (Date.now() - this.#loggedFailure < 5000) return;
        this.#loggedFailure = Date.now();
        this.#log?.warn("Webhooks: could not queue events (store failed)", { url: target.url, events: lost, error: String(error) });
      }
    }));
  }
}

function memberFields(ch: string, member: Member): Partial<WebhookEvent> {
  return member.user === null ? { channel: ch, user: null, client: member.client } : { channel: ch, user: member.user };
}
