/**
 * The Prometheus text exposition format (version 0.0.4), written once: metric families
 * with HELP and TYPE lines, escaped label values, histograms as cumulative `le` buckets
 * plus `_sum` and `_count`. tests/metrics.test.ts reads the output back with a real parser.
 *
 * @example
 * formatMetrics([{ name: "scx_connections", help: "Open connections", type: "gauge", samples: [{ value: 3 }] }]);
 * // "# HELP scx_connections Open connections\n# TYPE scx_connections gauge\nscx_connections 3\n"
 */
import type { HistogramSnapshot } from "./Histogram.ts";

export type Labels = Record<string, string>;
export interface Sample { labels?: Labels; value: number; suffix?: string }
export interface MetricFamily { name: string; help: string; type: "gauge" | "counter" | "histogram"; samples: Sample[] }

/** The content type scrapers expect for this format. */
export const metricsContentType = "text/plain; version=0.0.4; charset=utf-8";

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function formatLabels(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return "";
  return `{${entries.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(",")}}`;
}

export function formatMetrics(families: readonly MetricFamily[]): string {
  let out = "";
  for (const family of families) {
    out += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) {
      out += `${family.name}${sample.suffix ?? ""}${formatLabels(sample.labels)} ${formatValue(sample.value)}\n`;
    }
  }
  return out;
}

/**
 * The samples of one histogram: cumulative buckets (`le`), then `_sum` and `_count`.
 *
 * @example
 * histogramSamples(snapshot, deliveryBuckets); // [{ suffix: "_bucket", labels: { le: "0.0001" }, value: 0 }, ...]
 */
export function histogramSamples(snapshot: HistogramSnapshot, bounds: readonly number[], labels: Labels = {}): Sample[] {
  const samples: Sample[] = [];
  let cumulative = 0;
  bounds.forEach((bound, i) => {
    cumulative += snapshot.counts[i] ?? 0;
    samples.push({ suffix: "_bucket", labels: { ...labels, le: String(bound) }, value: cumulative });
  });
  samples.push({ suffix: "_bucket", labels: { ...labels, le: "+Inf" }, value: snapshot.count });
  samples.push({ suffix: "_sum", labels, value: snapshot.sum });
  samples.push({ suffix: "_count", labels, value: snapshot.count });
  return samples;
}

/**
 * Samples of a counter or gauge kept as label value → number.
 *
 * @example
 * labelled("type", { publish: 4, invoke: 1 }); // [{ labels: { type: "publish" }, value: 4 }, ...]
 */
export function labelled(label: string, values: Record<string, number>): Sample[] {
  return Object.entries(values).map(([value, count]) => ({ labels: { [label]: value }, value: count }));
}
