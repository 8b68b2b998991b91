/// <reference lib="dom" />
/**
 * Small display helpers for the admin page: numbers, bytes, durations, seconds, and
 * building elements without innerHTML (user data never becomes markup).
 *
 * @example
 * el("td", { class: "num" }, formatCount(1234)); // <td class="num">1,234</td>
 */

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return "–";
  if (Math.abs(n) >= 10_000_000) return `${(n / 1e6).toFixed(1)} M`;
  if (Math.abs(n) >= 100_000) return `${(n / 1e3).toFixed(0)} k`;
  return Math.round(n).toLocaleString("en-US");
}

export function formatRate(n: number): string {
  return n > 0 && n < 10 ? n.toFixed(1) : formatCount(n);
}

export function formatBytes(n: number): string {
  if (!n) return "–";
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  return `${Math.round(n / 1024)} KB`;
}

export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return "–";
  if (s < 0.001) return `${Math.max(1, Math.round(s * 1e6))} µs`;
  if (s < 1) return `${+(s * 1000).toPrecision(2)} ms`;
  return `${s.toFixed(2)} s`;
}

export function formatUptime(s: number): string {
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return m ? `${m}m ${Math.floor(s % 60)}s` : `${Math.floor(s)}s`;
}

type Child = Node | string | number | null | undefined | false;

export function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "object" ? child : String(child));
  }
  return node;
}

/** Replace an element's children. */
export function fill(parent: Element, children: Node[]): void {
  parent.replaceChildren(...children);
}

/** A quantile from histogram bucket counts (upper bounds; the last bucket is +Inf). */
export function quantile(counts: number[], bounds: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= q * total) return bounds[i] ?? bounds[bounds.length - 1]! * 2;
  }
  return null;
}

/** Publication data as one readable line: strings as they are, anything else as compact JSON. */
export function describeData(data: unknown): string {
  if (typeof data === "string") return data;
  if (data === undefined) return "(no data)";
  try {
    return JSON.stringify(data);
  } catch {
    return String(data);
  }
}
