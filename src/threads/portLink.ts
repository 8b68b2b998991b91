/**
 * A Link over a MessagePort (worker ↔ broker in threaded mode). `perTurn`: flush once per
 * event-loop turn rather than per microtask checkpoint. A socket worker's side uses it:
 * each postMessage wakes the other thread, and Bun drains microtasks after every socket
 * message, so a microtask batch would carry one subscribe at a time. A broker keeps the
 * microtask flush: its input already comes in batches, and what it answers from separate
 * I/O callbacks (a Redis reply, then the publication back from Redis) must reach the
 * worker in separate batches, so the publisher's reply (a promise continuation) still
 * goes out before its own publication.
 *
 * @example
 * const link = portLink<BrokerToWorker, WorkerToBroker>(port, true);
 */
import { type Link, TickBatcher } from "./Link.ts";

type PortLike = Pick<MessagePort, "postMessage" | "onmessage" | "close">;

export function portLink<In, Out>(port: PortLike, perTurn = false): Link<In, Out> {
  const batcher = new TickBatcher<Out>((batch) => port.postMessage(batch), perTurn);
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
