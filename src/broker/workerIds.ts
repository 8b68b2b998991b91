/**
 * The workers with subscribers of one channel, as a broker keeps them: a single id as a
 * plain number (most channels, and every fresh one), a Set from the second worker on. A
 * Set per channel would be an allocation on every subscribe of a fresh channel (churn).
 *
 * @example
 * let ids = withId(undefined, 1); // 1
 * ids = withId(ids, 2); // Set {1, 2}
 * forEachId(ids, (id) => post(id));
 * withoutId(withoutId(ids, 1)!, 2); // undefined: nobody left
 */
export type WorkerIds = number | Set<number>;

export function withId(ids: WorkerIds | undefined, id: number): WorkerIds {
  if (ids === undefined) return id;
  if (typeof ids === "number") return ids === id ? ids : new Set([ids, id]);
  ids.add(id);
  return ids;
}

/** The ids without `id`: undefined when none is left (a Set down to one id stays a Set). */
export function withoutId(ids: WorkerIds, id: number): WorkerIds | undefined {
  if (typeof ids === "number") return ids === id ? undefined : ids;
  ids.delete(id);
  return ids.size === 0 ? undefined : ids;
}

export function forEachId(ids: WorkerIds, fn: (id: number) => void): void {
  if (typeof ids === "number") fn(ids);
  else for (const id of ids) fn(id);
}
