/**
 * When scx/client reconnects after a close: the close code's policy (`reconnectPolicy`)
 * with SocketCluster's backoff, except after a going-away close whose reason carries a
 * reconnect hint (`reconnect:<ms>`, see src/protocol/reconnectHint.ts): then the next
 * connect comes after a random delay within the hinted window, so a restarted server's
 * clients come back spread out. Until a handshake succeeds, failed attempts retry within
 * the same window (the server may be restarting on this host) for at most
 * `quickRetryFor` ms; then the normal backoff resumes.
 *
 * @example
 * const schedule = new ReconnectSchedule(defaultBackoff);
 * schedule.next(1001, "Server going away, reconnect:1000"); // 0..1000
 * schedule.next(1006, "");    // 0..1000 again while the hint lasts, else 10000..20000 (backoff)
 * schedule.next(1000, "");    // null: never
 * schedule.connected();       // after a successful handshake
 */
import { CloseCode, reconnectPolicy } from "../protocol/closeCodes.ts";
import { parseReconnectHint } from "../protocol/reconnectHint.ts";
import { type BackoffOptions, reconnectDelay } from "./backoff.ts";

/** How long after a hint failed attempts keep retrying within its window. */
export const quickRetryFor = 30000;

export class ReconnectSchedule {
  #attempt = 0;
  #window: number | null = null;
  #until = 0;

  constructor(
    private readonly backoff: () => BackoffOptions,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  /** The delay in ms before the next connect, or null when the code means never. */
  next(code: number, reason: string): number | null {
    const policy = reconnectPolicy(code);
    if (policy === "never") return null;
    const attempt = this.#attempt++;
    const hinted = code === CloseCode.GoingAway ? parseReconnectHint(reason) : null;
    if (hinted !== null) [this.#window, this.#until] = [hinted, this.now() + quickRetryFor];
    if (this.#window !== null && this.now() <= this.#until) return Math.round(this.random() * this.#window);
    this.#window = null;
    return policy === "at once" && attempt === 0 ? 0 : reconnectDelay(attempt, this.backoff(), this.random);
  }

  /** A handshake succeeded: the attempt counter and any hint start over. */
  connected(): void {
    this.#attempt = 0;
    this.#window = null;
  }
}
