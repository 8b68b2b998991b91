/**
 * Socket worker thread entry: waits for the supervisor's start message, then serves
 * WebSocket clients on the shared port (reusePort) with links to every broker.
 * No top-level await anywhere in this import graph: Bun would drop the first message.
 */
import type { SupervisorToThread, ThreadToSupervisor } from "./src/threads/control.ts";
import { heartbeatInterval } from "./src/threads/control.ts";
import { currentRuntime } from "./src/runtime/current.ts";
import { threadLogger } from "./src/threads/threadLogger.ts";
import { crashCause } from "./src/threads/crashCause.ts";
import { portLink } from "./src/threads/portLink.ts";
import type { BrokerToWorker, WorkerToBroker } from "./src/threads/messages.ts";
import { SocketWorker } from "./src/worker/SocketWorker.ts";
import { loadCodec } from "./src/protocol/loadCodec.ts";
import { CloseCode } from "./src/protocol/closeCodes.ts";
import { reconnectHintReason } from "./src/protocol/reconnectHint.ts";
import { startSocketWorker } from "./src/http/startSocketWorker.ts";
import type { ServeHandle } from "./src/runtime/runtime.ts";
import { createAuthEngine } from "./src/auth/createAuthEngine.ts";
import { ControlHandlers } from "./src/control/ControlHandlers.ts";
import { ThreadControl } from "./src/control/threadControl.ts";

declare const self: { onmessage: ((event: MessageEvent) => void) | null; postMessage(message: unknown): void; close(): void; addEventListener(type: string, fn: (event: any) => void): void };

const post = (message: ThreadToSupervisor) => self.postMessage(message);
let worker: SocketWorker | null = null;
let handle: ServeHandle | null = null;
/** The control path: this worker's ops, and its way to ask every thread and host (via the main thread). */
const handlers = new ControlHandlers();
const control = new ThreadControl(post, handlers);

self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault?.();
  const reason = event.reason;
  post({ type: "fatal", ...crashCause("unhandled rejection", reason) });
});
self.addEventListener("error", (event) => {
  event.preventDefault?.();
  post({ type: "fatal", ...crashCause("uncaught error", event.error, event.message) });
});

/** Flush toward the brokers once per event-loop turn (Bun) or per microtask (Deno): see start(). */
const perTurn = currentRuntime().name === "bun";
/** How this worker's broker links batch: per turn (above), and as JSON where the runtime says (src/threads/portLink.ts). */
const linkOptions = { perTurn, json: currentRuntime().jsonPortBatches() };

self.onmessage = (event: MessageEvent<SupervisorToThread>) => {
  const message = event.data;
  if (control.receive(message)) return;
  if (message.type === "start") void start(message);
  else if (message.type === "attach") worker?.replaceBroker(message.id, portLink<BrokerToWorker, WorkerToBroker>(message.port, linkOptions));
  else if (message.type === "detach") worker?.brokerDown(message.id);
  else if (message.type === "drain") void drain();
};

async function start(message: Extract<SupervisorToThread, { type: "start" }>): Promise<void> {
  const runtime = currentRuntime();
  const { config } = message;
  const log = threadLogger(config, "worker", message.id, post);
  setInterval(() => post({ type: "beat" }), heartbeatInterval);
  try {
    const [auth, codec] = await Promise.all([createAuthEngine(config.auth, runtime.readTextFile, log), loadCodec(config.codec)]);
    worker = new SocketWorker({
      config, codec, log, id: message.id, auth,
      // Per event-loop turn toward the brokers on Bun (src/threads/portLink.ts). Not on
      // Deno: there a setImmediate scheduled while a WebSocket flood is being handled can
      // stay pending for good, and every publication after it with it (tests/slowConsumer).
      brokers: message.ports.map((port) => portLink<BrokerToWorker, WorkerToBroker>(port, linkOptions)),
    });
    ({ handle } = await startSocketWorker({ worker, runtime, reusePort: true, script: config.worker, control, handlers }));
    post({ type: "ready", port: handle.port });
  } catch (error) {
    post({ type: "fatal", cause: (error as Error).message, stack: (error as Error).stack });
  }
}

/** Stop accepting, then close the sockets with 1001 and a reconnect hint, in batches across half the drain timeout. */
async function drain(): Promise<void> {
  const stopped = handle?.stop(false);
  await worker?.detach(CloseCode.GoingAway, reconnectHintReason(), worker.config.drainTimeout / 2);
  await stopped;
  post({ type: "drained" });
}
