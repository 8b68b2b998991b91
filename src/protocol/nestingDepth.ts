/**
 * Whether JSON text nests arrays and objects deeper than `limit`, found by one pass over
 * the text (strings skipped). Deep data is refused before any handler sees it: encoding it
 * again (a publication, an echo) costs time quadratic in the depth and would stall every
 * socket on the worker.
 *
 * @example
 * nestsDeeperThan("[[[1]]]", 2); // true
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/** Deepest nesting scx accepts in one frame, and the frame length from which it is checked. */
export const maxNesting = 256;
export const nestingCheckFrom = 2 * maxNesting;

/** Whether a decoded value nests deeper than `limit` (stops descending at the limit). */
export function valueNestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (limit === 0) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (valueNestsDeeperThan(child, limit - 1)) return true;
  }
  return false;
}
