/**
 * How long a failed batch waits before its next try: exponential from 250 ms, capped at
 * 30 s, with jitter (each wait is drawn between half and all of the step), so the first
 * retry comes within a second and no two are more than 30 s apart.
 *
 * @example
 * retryDelay(1); // 125–250 ms
 * retryDelay(20); // 15–30 s
 */
export const firstRetryMs = 250;
export const maxRetryMs = 30_000;

export function retryDelay(attempt: number, random = Math.random()): number {
  const step = Math.min(maxRetryMs, firstRetryMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random);
}
