/**
 * What a broker's webhooks count, reported with its stats and summed per host on
 * /metrics: events sent (a 2xx took them), POSTs that failed, events sent again after a
 * failure, events dropped (`overflow`: the queue was full; `expired`: retried past
 * `retryFor`; `store`: the store could not take them), and the events queued (a gauge, per target; from the store).
 *
 * @example
 * const counters = new WebhookCounters();
 * counters.sent += 10;
 */
export interface WebhookStats {
  sent: number;
  failed: number;
  retried: number;
  dropped: { overflow: number; expired: number; store: number };
  queued: number;
}

export class WebhookCounters {
  sent = 0;
  failed = 0;
  retried = 0;
  readonly dropped = { overflow: 0, expired: 0, store: 0 };
  /** target id → events queued, as last read from the store */
  readonly queued = new Map<string, number>();

  snapshot(): WebhookStats {
    let queued = 0;
    for (const n of this.queued.values()) queued += n;
    return { sent: this.sent, failed: this.failed, retried: this.retried, dropped: { ...this.dropped }, queued };
  }
}
