/**
 * A Link over a MessagePort (worker ↔ broker in threaded mode).
 *
 * @example
 * const link = portLink<BrokerToWorker, WorkerToBroker>(port);
 */
import { type Link, TickBatcher } from "./Link.ts";

type PortLike = Pick<MessagePort, "postMessage" | "onmessage" | "close">;

export function portLink<In, Out>(port: PortLike): Link<In, Out> {
  // Per event-loop turn: each postMessage wakes the other thread, and Bun drains microtasks
  // after every socket message, so a microtask batch would carry one subscribe at a time.
  const batcher = new TickBatcher<Out>((batch) => port.postMessage(batch), true);
  return {
    post: (message) => batcher.push(message),
    onMessage(handler) {
      port.onmessage = (event) => {
        for (const message of event.data as In[]) handler(message);
      };
    },
    close: () => port.close(),
  };
}
