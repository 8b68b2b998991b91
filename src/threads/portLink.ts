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
 * With `json` (the runtime's `jsonPortBatches()`: Bun) a batch crosses as one JSON string: every message is plain data
 * (publications carry their data as JSON text already), and on Bun one string costs the
 * two threads less than the structured clone of many small objects (subscribe churn with
 * a worker thread: ~10% less server CPU). A batch JSON cannot carry (a BigInt in a
 * member's info, say) falls back to the structured clone, so nothing is lost to the
 * encoding. Deno keeps the structured clone (see src/runtime/deno.ts). A receiver takes
 * either form.
 *
 * @example
 * const link = portLink<BrokerToWorker, WorkerToBroker>(port, { perTurn: true, json: runtime.jsonPortBatches() });
 */
import { type Link, TickBatcher } from "./Link.ts";

type PortLike = Pick<MessagePort, "postMessage" | "onmessage" | "close">;

function sendJson(port: PortLike, batch: unknown[]): void {
  let text: string;
  try {
    text = JSON.stringify(batch);
  } catch {
    return port.postMessage(batch);
  }
  port.postMessage(text);
}

export function portLink<In, Out>(port: PortLike, options: { perTurn?: boolean; json?: boolean } = {}): Link<In, Out> {
  const send = options.json ? (batch: Out[]) => sendJson(port, batch) : (batch: Out[]) => port.postMessage(batch);
  const batcher = new TickBatcher<Out>(send, options.perTurn ?? false);
  return {
    post: (message) => batcher.push(message),
    onMessage(handler) {
      port.onmessage = (event) => {
        const batch = (typeof event.data === "string" ? JSON.parse(event.data) : event.data) as In[];
        for (const message of batch) handler(message);
      };
    },
    close: () => port.close(),
  };
}
