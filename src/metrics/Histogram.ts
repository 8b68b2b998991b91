/**
 * A fixed-bucket histogram of seconds, cheap to observe (a short scan over the bucket
 * bounds) and to ship between threads as plain numbers. Bucket counts are per bucket,
 * not cumulative; the exposition sums them into Prometheus' `le` series.
 *
 * @example
 * const h = new Histogram();
 * h.observe(0.0007);
 * h.snapshot(); // { counts: [0, 0, 0, 1, ...], sum: 0.0007, count: 1 }
 */

/** Upper bounds (seconds) of scx_publish_delivery_seconds; a last bucket catches the rest (+Inf). */
export const deliveryBuckets: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface HistogramSnapshot {
  /** One count per bound in `deliveryBuckets`, then the +Inf bucket. */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[] = deliveryBuckets) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }

  observe(seconds: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }

  snapshot(): HistogramSnapshot {
    return { counts: this.counts.slice(), sum: this.sum, count: this.count };
  }
}

/**
 * Add histogram snapshots bucket by bucket.
 *
 * @example
 * mergeHistograms([a, b]).count === a.count + b.count;
 */
export function mergeHistograms(snapshots: readonly HistogramSnapshot[], buckets = deliveryBuckets.length + 1): HistogramSnapshot {
  const merged: HistogramSnapshot = { counts: new Array(buckets).fill(0), sum: 0, count: 0 };
  for (const s of snapshots) {
    s.counts.forEach((n, i) => { merged.counts[i] = (merged.counts[i] ?? 0) + n; });
    merged.sum += s.sum;
    merged.count += s.count;
  }
  return merged;
}
