/**
 * Open connections until there are at least `count` and they reach `workerCount` distinct
 * workers. The kernel spreads connections over the workers' reusePort listeners by a hash
 * of the client's port, so a handful can all land on one worker (6 over 2 workers: 1 run
 * in 32); a test that needs every worker connects on instead of hoping.
 *
 * @example
 * const { items: clients, workers } = await onBothWorkers(6, connect, (client) => client.invoke("whoami"));
 */
export async function onBothWorkers<T>(
  count: number, connect: () => Promise<T>, workerOf: (item: T) => Promise<number>, workerCount = 2,
): Promise<{ items: T[]; workers: number[] }> {
  const items: T[] = [];
  const workers: number[] = [];
  while (items.length < count || (new Set(workers).size < workerCount && items.length < 64)) {
    const item = await connect();
    items.push(item);
    workers.push(await workerOf(item));
  }
  return { items, workers };
}
