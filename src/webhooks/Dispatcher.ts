/**
 * Delivers one target's queue: claims ready lanes from the store (at most `maxBatch`
 * events), POSTs them as one signed batch, and on a 2xx acks them; on any other answer,
 * a network error or a timeout, each lane backs off (retryDelay) and is tried again until
 * `retryFor` has passed since its first failure, then its events are dropped and counted.
 * A lane (a channel) is leased while its batch is out, so its events go in order, while
 * other lanes go on in other batches (a few POSTs at once). Runs `batchMs` after a push,
 * when a backoff ends, and every second (events other hosts or a killed process left).
 *
 * @example
 * const dispatcher = new Dispatcher(target, () => store, counters, log);
 * dispatcher.start();
 * dispatcher.notify(); // events were pushed
 */
import type { Logger } from "../log/logger.ts";
import type { Claim, WebhookStore } from "./WebhookStore.ts";
import type { WebhookTarget } from "./targets.ts";
import type { WebhookCounters } from "./WebhookCounters.ts";
import { retryDelay } from "./backoff.ts";

/** POSTs one target may have out at once. */
const maxInFlight = 4;
/** How often a dispatcher looks for work it was not told of (ms). */
const pollMs = 1000;
/** Consecutive failed POSTs after which a target is logged as failing (then every 10th more). */
const failingAfter = 3;

export class Dispatcher {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt = Infinity;
  /** Runs asked for (epoch ms, 10 ms steps): the timer is always set for the earliest. */
  readonly #wanted = new Set<number>();
  #poll: ReturnType<typeof setInterval> | null = null;
  #inFlight = 0;
  #failures = 0;
  #storeDown = false;
  #closed = false;
  readonly #aborts = new Set<AbortController>();

  constructor(
    private readonly target: WebhookTarget,
    private readonly store: () => WebhookStore | null,
    private readonly counters: WebhookCounters,
    private readonly log: Logger | null,
  ) {}

  start(): void {
    this.#poll ??= setInterval(() => this.#round(), pollMs);
  }

  /** Events were pushed: send them within batchMs. */
  notify(): void {
    this.#at(Date.now() + this.target.batchMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#poll) clearInterval(this.#poll);
    if (this.#timer) clearTimeout(this.#timer);
    for (const abort of this.#aborts) abort.abort();
  }

  #at(when: number): void {
    if (this.#closed) return;
    this.#wanted.add(Math.ceil(when / 10) * 10);
    this.#arm();
  }

  #arm(): void {
    let next = Infinity;
    for (const when of this.#wanted) if (when < next) next = when;
    if (next === Infinity || next === this.#timerAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = next;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Infinity;
      const now = Date.now();
      for (const when of this.#wanted) if (when <= now) this.#wanted.delete(when);
      this.#round();
      this.#arm();
    }, Math.max(0, next - Date.now()));
  }

  #round(): void {
    const store = this.store();
    if (this.#closed || !store || this.#inFlight >= maxInFlight) return;
    this.#inFlight++;
    this.#send(store).then((claimed) => {
      this.#inFlight--;
      if (this.#storeDown) this.log?.info("Webhook store is back; delivery goes on", { url: this.target.url });
      this.#storeDown = false;
      // Something went: whatever waits behind it (or was held back by maxInFlight) goes next.
      if (claimed) this.#at(Date.now());
    }, (error) => {
      this.#inFlight--;
      // Once per outage: the poll meets the same failure every second.
      if (!this.#storeDown) this.log?.warn("Webhook store failed; delivery goes on when it is back", { url: this.target.url, error: String(error) });
      this.#storeDown = true;
    });
  }

  async #send(store: WebhookStore): Promise<boolean> {
    const { target } = this;
    const claims = await store.claim(target.id, Date.now(), target.maxBatch, target.timeoutMs + 5000);
    this.#readQueued(store);
    if (claims.length === 0) return false;
    // More may be waiting behind this batch: look again at once, beside it.
    this.#at(Date.now());
    const events = claims.flatMap((claim) => claim.events);
    const now = Date.now();
    const { body, headers } = target.request(events, now);
    const retried = claims.reduce((n, claim) => n + (claim.attempts > 0 ? claim.events.length : 0), 0);
    this.counters.retried += retried;
    const status = await this.#post(body, headers);
    // Closing: leave the batch leased; its lease ends and whoever claims next sends it again.
    if (this.#closed) return false;
    if (status !== null && status >= 200 && status < 300) {
      this.counters.sent += events.length;
      if (this.#failures >= failingAfter) this.log?.info("Webhook target answers again", { url: target.url, failedPosts: this.#failures });
      this.#failures = 0;
      await Promise.all(claims.map((claim) => store.ack(target.id, claim.lane, claim.token, claim.events.length)));
    } else {
      this.counters.failed++;
      this.#failures++;
      if (this.#failures === failingAfter || (this.#failures > failingAfter && this.#failures % 10 === 0)) {
        this.log?.warn("Webhook target keeps failing; retrying with backoff", { url: target.url, failedPosts: this.#failures, lastAnswer: status ?? "no answer" });
      }
      await Promise.all(claims.map((claim) => this.#failed(store, claim, now)));
    }
    this.#readQueued(store);
    return true;
  }

  async #failed(store: WebhookStore, claim: Claim, now: number): Promise<void> {
    const { target } = this;
    const since = claim.since || now;
    if (now - since >= target.retryForMs) {
      this.counters.dropped.expired += claim.events.length;
      this.log?.error("Dropped webhook events: retried for longer than retryFor", { url: target.url, channel: claim.lane || undefined, events: claim.events.length });
      return store.drop(target.id, claim.lane, claim.token, claim.events.length);
    }
    const at = now + retryDelay(claim.attempts + 1);
    await store.retry(target.id, claim.lane, claim.token, at, claim.attempts + 1, since);
    this.#at(at);
  }

  /** The answer's status, or null for a network error or a timeout. */
  async #post(body: string, headers: Record<string, string>): Promise<number | null> {
    const abort = new AbortController();
    this.#aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), this.target.timeoutMs);
    try {
      const response = await fetch(this.target.url, { method: "POST", body, headers, signal: abort.signal });
      await response.body?.cancel().catch(() => {});
      return response.status;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
      this.#aborts.delete(abort);
    }
  }

  #readQueued(store: WebhookStore): void {
    const queued = store.queued(this.target.id);
    if (queued instanceof Promise) queued.then((n) => this.counters.queued.set(this.target.id, n), () => {});
    else this.counters.queued.set(this.target.id, queued);
  }
}
