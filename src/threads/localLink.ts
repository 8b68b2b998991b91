/**
 * Two connected in-process Links (embedded mode, `workers: 0`): the same batching and
 * ordering as a MessagePort, without the structured clone.
 *
 * @example
 * const [workerSide, brokerSide] = localLinkPair<BrokerToWorker, WorkerToBroker>();
 */
import { type Link, TickBatcher } from "./Link.ts";

export function localLinkPair<A, B>(): [Link<A, B>, Link<B, A>] {
  let toA: ((message: A) => void) | null = null;
  let toB: ((message: B) => void) | null = null;
  const batchToB = new TickBatcher<B>((batch) => { for (const m of batch) toB?.(m); });
  const batchToA = new TickBatcher<A>((batch) => { for (const m of batch) toA?.(m); });
  const a: Link<A, B> = {
    post: (message) => batchToB.push(message),
    onMessage: (handler) => { toA = handler; },
    close: () => { toA = null; },
  };
  const b: Link<B, A> = {
    post: (message) => batchToA.push(message),
    onMessage: (handler) => { toB = handler; },
    close: () => { toB = null; },
  };
  return [a, b];
}
