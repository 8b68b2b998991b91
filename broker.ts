/**
 * Broker thread entry: owns a shard of channels and forwards each publication once to
 * every interested socket worker. No top-level await in this import graph.
 */
import type { SupervisorToThread, ThreadToSupervisor } from "./src/threads/control.ts";
import { heartbeatInterval } from "./src/threads/control.ts";
import { portLink } from "./src/threads/portLink.ts";
import { currentRuntime } from "./src/runtime/current.ts";
import type { BrokerToWorker, WorkerToBroker } from "./src/threads/messages.ts";
import { Broker } from "./src/broker/Broker.ts";
import { createEngine } from "./src/cluster/createEngine.ts";
import { threadLogger } from "./src/threads/threadLogger.ts";
import { crashCause } from "./src/threads/crashCause.ts";
import { ControlHandlers } from "./src/control/ControlHandlers.ts";
import { ThreadControl } from "./src/control/threadControl.ts";
import { brokerStats } from "./src/metrics/brokerStats.ts";
import { webhookTargets } from "./src/webhooks/targets.ts";
import { soleWorkerId } from "./src/config/soleWorkerId.ts";

declare const self: { onmessage: ((event: MessageEvent) => void) | null; postMessage(message: unknown): void; addEventListener(type: string, fn: (event: any) => void): void };

const post = (message: ThreadToSupervisor) => self.postMessage(message);
let broker: Broker | null = null;
/** Batches toward the workers cross as JSON where the runtime says, as theirs do (src/threads/portLink.ts). */
const json = currentRuntime().jsonPortBatches();
/** Control ops this broker answers (ask with roles: ["broker"]); empty until a feature registers one. */
const brokerHandlers = new ControlHandlers();
const control = new ThreadControl(post, brokerHandlers);

self.addEventListener("error", (event) => {
  event.preventDefault?.();
  post({ type: "fatal", ...crashCause("uncaught error", event.error, event.message) });
});

self.onmessage = (event: MessageEvent<SupervisorToThread>) => {
  const message = event.data;
  if (control.receive(message)) return;
  switch (message.type) {
    case "start": {
      const log = threadLogger(message.config, "broker", message.id, post);
      broker = new Broker({ awaitingEngine: message.config.cluster.engine !== "memory", log, channels: message.config.channels, pusherPresence: message.config.pusher.apps.length > 0, webhooks: webhookTargets(message.config), soleWorker: soleWorkerId(message.config) });
      if (message.resyncFrom) broker.expectResync(message.resyncFrom);
      const id = message.id;
      brokerHandlers.on("metrics", () => brokerStats(id, broker?.channels().length ?? 0, broker?.webhooks?.stats()));
      setInterval(() => post({ type: "beat" }), heartbeatInterval);
      // Workers may attach before the engine exists; useEngine() subscribes what they want.
      createEngine(message.config.cluster, log, message.config.presence).then((engine) => {
        if (engine) broker!.useEngine(engine);
        post({ type: "ready" });
      }, (error) => post({ type: "fatal", cause: `cluster engine: ${(error as Error).message}`, stack: (error as Error).stack }));
      return;
    }
    case "attach":
      broker?.attachWorker(message.id, portLink<WorkerToBroker, BrokerToWorker>(message.port, { json }), message.resync);
      return;
    case "detach":
      broker?.detachWorker(message.id);
      return;
  }
};
