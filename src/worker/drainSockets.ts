/**
 * Close sockets in batches spread evenly across `spreadMs` rather than all in one
 * instant, so a draining server's clients do not all reconnect (and re-authenticate,
 * and resubscribe) at the same moment. With `spreadMs` 0, or one socket, all close now.
 * The set is taken when called: sockets that arrive later are not closed here.
 *
 * @example
 * await drainSockets(worker.clients.values(), { code: 1001, reason: reconnectHintReason(), spreadMs: 2500 });
 */

/** Milliseconds between two batches. */
export const drainBatchInterval = 50;

export interface DrainOptions {
  code: number;
  reason: string;
  /** Window the batches are spread across, in ms. */
  spreadMs: number;
}

export function drainSockets(sockets: Iterable<{ disconnect(code: number, reason: string): void }>, options: DrainOptions): Promise<void> {
  const queue = [...sockets];
  const batches = Math.max(1, Math.min(queue.length, Math.floor(options.spreadMs / drainBatchInterval)));
  const perBatch = Math.ceil(queue.length / batches);
  const closeBatch = (index: number) => {
    for (const socket of queue.slice(index * perBatch, (index + 1) * perBatch)) socket.disconnect(options.code, options.reason);
  };
  if (batches === 1) {
    closeBatch(0);
    return Promise.resolve();
  }
  const interval = options.spreadMs / batches;
  return new Promise((resolve) => {
    const start = Date.now();
    let next = 0;
    const tick = () => {
      closeBatch(next++);
      if (next * perBatch >= queue.length) return resolve();
      setTimeout(tick, Math.max(0, start + next * interval - Date.now()));
    };
    tick();
  });
}
