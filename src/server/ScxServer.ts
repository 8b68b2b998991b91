/**
 * The server an app embeds: `createServer(config)` returns one. With `workers: 0` it runs
 * the brokers and one socket worker in this thread (the same code the threads run);
 * with `workers` ≥ 1 it supervises worker and broker threads, and user code comes from
 * the worker script (`worker:` in the config), loaded in every worker.
 *
 * @example
 * const server = createServer({ port: 8000, workers: 0 });
 * server.procedure("echo", (data) => data);
 * await server.start();
 */
import { endSpareThread } from "../threads/spareThread.ts";
import type { Config } from "../config/schema.ts";
import type { Runtime, ServeHandle } from "../runtime/runtime.ts";
import type { Logger, LogRecord } from "../log/logger.ts";
import { codecNamed } from "../protocol/codecs.ts";
import { CloseCode } from "../protocol/closeCodes.ts";
import { reconnectHintReason } from "../protocol/reconnectHint.ts";
import { localLinkPair } from "../threads/localLink.ts";
import type { BrokerToWorker, WorkerToBroker } from "../threads/messages.ts";
import { mainThreadId, Supervisor } from "../threads/Supervisor.ts";
import { portLink } from "../threads/portLink.ts";
import { Broker } from "../broker/Broker.ts";
import { createEngine } from "../cluster/createEngine.ts";
import { type Procedure, type Receiver, SocketWorker, type WorkerEvents } from "../worker/SocketWorker.ts";
import { Exchange } from "../worker/Exchange.ts";
import type { Middleware, MiddlewareStage } from "../worker/middleware.ts";
import type { ServerSocket } from "../worker/ServerSocket.ts";
import { assertPortFree } from "../runtime/assertPortFree.ts";
import type { AuthEngine } from "../auth/AuthEngine.ts";
import { type ControlPlane, threadAnswerTimeout } from "../control/ControlPlane.ts";
import type { ServerApi } from "../http/ServerApi.ts";
import { ServerOperations } from "./ServerOperations.ts";
import type { AdminHub } from "../admin/AdminHub.ts";
import type { HostSnapshot } from "../metrics/HostStats.ts";
import { webhookTargets } from "../webhooks/targets.ts";
import { soleWorkerId } from "../config/soleWorkerId.ts";
import { ControlHandlers } from "../control/ControlHandlers.ts";
import { brokerStats } from "../metrics/brokerStats.ts";

export interface ScxServerOptions {
  config: Config;
  runtime: Runtime;
  log: Logger;
  writeRecord: (record: LogRecord) => void;
  /** An auth engine of the app's own instead of the configured jose one (in-process only). */
  auth?: AuthEngine | null;
  /** Called when a thread crash-loops (the CLI exits non-zero). */
  onGiveUp?: (message: string) => void;
  /** Crashes of one thread within `crashWindow` ms before giving up (default 10 in 60 s). */
  maxRestarts?: number;
  crashWindow?: number;
}

export class ScxServer {
  readonly config: Config;
  readonly brokers: Broker[] = [];
  readonly #options: ScxServerOptions;
  readonly #worker: SocketWorker | null = null;
  readonly #exchange: Exchange;
  /** With worker threads: the main thread's socketless worker, linked to every broker (for server.exchange). */
  readonly #mainWorker: SocketWorker | null = null;
  #supervisor: Supervisor | null = null;
  #handle: ServeHandle | null = null;
  #started = false;
  #ops: ServerOperations | null = null;
  /** Host stats once a second for the admin page and /metrics (with admin.password or api.key). */
  #hub: AdminHub | null = null;

  constructor(options: ScxServerOptions) {
    this.#options = options;
    this.config = options.config;
    if (this.threaded) {
      const placeholders = Array.from({ length: this.config.brokers }, () => ({ post() {}, onMessage() {}, close() {} }));
      this.#mainWorker = new SocketWorker({ config: this.config, codec: codecNamed(this.config.codec), log: options.log, id: mainThreadId, brokers: placeholders });
      // Held until the supervisor links each broker (start), then after each broker restart.
      for (let i = 0; i < this.config.brokers; i++) this.#mainWorker.brokerDown(i);
      this.#exchange = new Exchange(this.#mainWorker);
      return;
    }
    const links = [];
    for (let i = 0; i < this.config.brokers; i++) {
      const [workerSide, brokerSide] = localLinkPair<BrokerToWorker, WorkerToBroker>();
      const broker = new Broker({ awaitingEngine: this.config.cluster.engine !== "memory", log: options.log, channels: this.config.channels, pusherPresence: this.config.pusher.apps.length > 0, webhooks: webhookTargets(this.config), soleWorker: soleWorkerId(this.config) });
      broker.attachWorker(0, brokerSide);
      this.brokers.push(broker);
      links.push(workerSide);
    }
    this.#worker = new SocketWorker({ config: this.config, codec: codecNamed(this.config.codec), log: options.log, brokers: links });
    this.#exchange = new Exchange(this.#worker);
  }

  /** Whether sockets live in worker threads (`workers` ≥ 1) rather than this thread. */
  get threaded(): boolean {
    return (this.config.workers ?? 0) > 0;
  }

  /** The bound port (useful with `port: 0`); 0 before start. */
  get port(): number {
    return this.#handle?.port ?? this.#supervisor?.port ?? 0;
  }

  /** Server-side publish, history and subscribe (worker scripts have their own `scx.exchange`). */
  get exchange(): Exchange {
    return this.#exchange;
  }

  /** Connected sockets by id (in-process mode). */
  get clients(): ReadonlyMap<string, ServerSocket> {
    return this.#worker?.clients ?? this.#inProcessOnly("clients");
  }

  get clientsCount(): number {
    return this.clients.size;
  }

  /**
   * The server API as functions, the same as /api/ over HTTP, cluster-wide (after start):
   * `await server.api.disconnect({ user: "ann" })` → `{ disconnected: 2 }`.
   */
  get api(): ServerApi {
    return this.#operations.api;
  }

  /** The control path: ask every thread on every host (src/control/ControlPlane.ts), after start. */
  get control(): ControlPlane {
    return this.#operations;
  }

  /** This host's stats summed over all its threads, as /metrics and the admin page see them (after start). */
  async stats(): Promise<HostSnapshot> {
    const { hostSnapshot } = await import("../admin/hostSnapshot.ts");
    return hostSnapshot(this.#operations);
  }

  /** This host's /metrics page in the Prometheus text format, without HTTP or a key (after start). */
  async metrics(): Promise<string> {
    const { renderMetrics } = await import("../metrics/renderMetrics.ts");
    return renderMetrics(await this.stats());
  }

  /** The bound api.port (0 when the API is on the public port or off). */
  get apiPort(): number {
    return this.#operations.apiPort;
  }

  get #operations(): ServerOperations {
    return this.#ops ??= new ServerOperations(this.config, this.#options.runtime, this.#exchange);
  }

  /** The thread supervisor in threaded mode (tests and admin use it to kill threads). */
  get supervisor(): Supervisor | null {
    return this.#supervisor;
  }

  procedure(name: string, handler: Procedure): this {
    (this.#worker ?? this.#inProcessOnly("procedure")).procedure(name, handler);
    return this;
  }

  receiver(name: string, handler: Receiver): this {
    (this.#worker ?? this.#inProcessOnly("receiver")).receiver(name, handler);
    return this;
  }

  middleware<S extends MiddlewareStage>(stage: S, fn: Middleware<S>): this {
    (this.#worker ?? this.#inProcessOnly("middleware")).middleware(stage, fn);
    return this;
  }

  on<K extends keyof WorkerEvents>(event: K, listener: (...args: WorkerEvents[K]) => void): () => void {
    return (this.#worker ?? this.#inProcessOnly("on")).on(event, listener);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const { runtime, log } = this.#options;
    if (this.#worker) {
      endSpareThread();
      for (const [id, broker] of this.brokers.entries()) {
        const engine = await createEngine(this.config.cluster, log, this.config.presence);
        if (engine) broker.useEngine(engine);
        // What broker threads report (channels, webhook counters) for the metrics, from this thread's brokers.
        this.#operations.brokerHandlers[id] = new ControlHandlers().on("metrics", () => brokerStats(id, broker.channels().length, broker.webhooks?.stats()));
      }
      // The in-process worker's parts load here: with worker threads, this thread never needs them.
      const [{ startSocketWorker }, { createAuthEngine }] = await Promise.all([import("../http/startSocketWorker.ts"), import("../auth/createAuthEngine.ts")]);
      const auth = this.#options.auth !== undefined ? this.#options.auth : await createAuthEngine(this.config.auth, runtime.readTextFile, log);
      this.#worker.setAuthEngine(auth);
      await this.#operations.start(undefined, () => this.#hub?.hostInfo() ?? { threads: this.#threadList() });
      ({ handle: this.#handle } = await startSocketWorker({
        worker: this.#worker, runtime, reusePort: false, script: this.config.worker,
        control: this.#operations, handlers: this.#operations.handlers,
      }));
      await this.#operations.serveApiPort();
      await this.#startHub();
      return;
    }
    // Worker threads share the port (reusePort): refuse a port another process holds (PortInUseError).
    await assertPortFree(runtime, this.config.host, this.config.port).catch((error) => { this.#started = false; throw error; });
    // server.exchange publishes from this thread: they meet the contracts as workers' do.
    if (this.config.contracts && this.#mainWorker) {
      const [{ useContracts }, { loadContracts }] = await Promise.all([import("../worker/contractsOf.ts"), import("../worker/loadContracts.ts")]);
      useContracts(this.#mainWorker, await loadContracts(this.config.contracts));
    }
    await this.#operations.start((query) => this.#supervisor?.ask(query, threadAnswerTimeout) ?? Promise.resolve([]), () => this.#hub?.hostInfo() ?? { threads: this.#threadList() });
    this.#supervisor = new Supervisor({
      config: this.config,
      workers: this.config.workers!,
      brokers: this.config.brokers,
      workerUrl: runtime.threadEntry("worker"),
      brokerUrl: runtime.threadEntry("broker"),
      log,
      writeRecord: this.#options.writeRecord,
      onGiveUp: this.#options.onGiveUp ?? ((message) => log.error(message)),
      maxRestarts: this.#options.maxRestarts,
      crashWindow: this.#options.crashWindow,
      mainLinks: {
        attach: (index, port) => this.#mainWorker?.replaceBroker(index, portLink<BrokerToWorker, WorkerToBroker>(port, { json: runtime.jsonPortBatches() })),
        detach: (index) => this.#mainWorker?.brokerDown(index),
      },
      onAsk: (query, scope) => this.#operations.askQuery(query, scope),
    });
    try {
      await this.#supervisor.start();
      await this.#operations.serveApiPort();
      await this.#startHub();
    } catch (error) {
      await this.#operations.stop();
      throw error;
    }
  }

  /**
   * Close every socket with 1001 and a reconnect hint (clients come back soon, spread out)
   * and stop. With worker threads each worker spreads its closes across half of
   * `drainTimeout`; in-process, `spreadMs` does (0, the default: all at once).
   */
  async stop({ spreadMs = 0 }: { spreadMs?: number } = {}): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#hub?.stop();
    this.#hub = null;
    if (this.#supervisor) {
      await this.#operations.stop();
      await this.#supervisor.drain();
      this.#supervisor = null;
      this.#mainWorker?.links.close();
      return;
    }
    const handle = this.#handle;
    this.#handle = null;
    if (spreadMs > 0) {
      const stopped = handle?.stop(false);   // stop accepting, then close in batches
      await this.#worker!.detach(CloseCode.GoingAway, reconnectHintReason(), spreadMs);
      await stopped;
    } else {
      void this.#worker!.detach(CloseCode.GoingAway, reconnectHintReason());
      await handle?.stop(true);
    }
    await Promise.all(this.brokers.map((broker) => broker.close()));
    await this.#operations.stop();
  }

  /** This host's threads: the supervisor's, or in-process the one worker and the brokers. */
  #threadList() {
    const running = (role: "worker" | "broker", id: number) => ({ role, id, state: "running" as const, restarts: 0 });
    return this.#supervisor?.threads() ?? [running("worker", 0), ...this.brokers.map((_, id) => running("broker", id))];
  }

  /** Host stats once a second, only with admin.password or api.key (its code loads only then). */
  async #startHub(): Promise<void> {
    const { admin, api } = this.config;
    if (admin.password === undefined && api.key === undefined) return;
    const { AdminHub } = await import("../admin/AdminHub.ts");
    if (!this.#started) return;
    this.#hub = new AdminHub({
      control: this.#operations,
      threads: () => this.#threadList(),
      publish: admin.password === undefined ? null : (channel, data) => this.#exchange.publish(channel, data),
    });
    this.#hub.start();
  }

  #inProcessOnly(what: string): never {
    throw new TypeError(`server.${what} is only available with workers: 0; with worker threads, use the worker script's scx.${what}`);
  }
}
