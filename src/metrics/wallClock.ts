/**
 * Milliseconds since the Unix epoch with sub-millisecond precision, comparable across
 * threads (each thread's performance.now() has its own origin; timeOrigin puts it on
 * the shared wall clock).
 *
 * @example
 * const acceptedAt = wallClock(); // later, on another thread: wallClock() - acceptedAt
 */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}
