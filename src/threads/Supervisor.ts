/**
 * The supervisor (main thread): starts the broker and socket worker threads, wires one
 * MessageChannel between every worker and every broker, restarts a thread that dies
 * (error, exit, or a silent death found by the heartbeat), bounds crash loops, and drains
 * everything on shutdown.
 *
 * @example
 * const supervisor = new Supervisor({ config, workerUrl, brokerUrl, log, writeRecord });
 * await supervisor.start();
 */
import { takeSpareThread } from "./spareThread.ts";
import type { Config } from "../config/schema.ts";
import type { Logger, LogRecord } from "../log/logger.ts";
import { heartbeatTimeout, type SupervisorToThread, type ThreadQuery, type ThreadToSupervisor } from "./control.ts";
import { type QueryAnswer, ThreadQueries } from "./ThreadQueries.ts";
import { crashCause } from "./crashCause.ts";
import { RestartBudget } from "./RestartBudget.ts";

type Role = "worker" | "broker";

interface Slot {
  role: Role;
  id: number;
  thread: Worker | null;
  generation: number;
  lastBeat: number;
  restarts: RestartBudget;
  ready: ((port: number) => void) | null;
  /** Resolvers of `running()` calls waiting for this slot's next start. */
  waiting: Array<() => void>;
  drained: (() => void) | null;
  /** Messages for a thread not spawned yet (a broker at start-up), posted when it is. */
  queued: Array<[SupervisorToThread, MessagePort[]]>;
}

export interface SupervisorOptions {
  config: Config;
  workers: number;
  brokers: number;
  /** Thread entry specifiers (see Runtime.threadEntry). */
  workerUrl: string;
  brokerUrl: string;
  log: Logger;
  /** Where thread log records go (the one log stream). */
  writeRecord: (record: LogRecord) => void;
  /** A crash loop: scx cannot keep a thread alive. */
  onGiveUp: (message: string) => void;
  /** Restarts of one thread within `crashWindow` ms before giving up. */
  maxRestarts?: number;
  crashWindow?: number;
  /**
   * The main thread's own links to every broker (server.exchange with worker threads): a
   * port per broker when it starts or restarts, and word when one died.
   */
  mainLinks?: { attach(index: number, port: MessagePort): void; detach(index: number): void };
  /** A thread asks the host or cluster (the control path, src/control/): resolves with one entry per host. */
  onAsk?: (query: ThreadQuery, scope: "cluster" | "host") => Promise<unknown[]>;
}

/**
 * The id brokers know the main thread's links by (worker ids are 0 and up).
 *
 * @example
 * new SocketWorker({ config, codec, log, id: mainThreadId, brokers });
 */
export const mainThreadId = -1;

export class Supervisor {
  port = 0;
  readonly #options: SupervisorOptions;
  readonly #workers: Slot[] = [];
  readonly #brokers: Slot[] = [];
  #config: Config;
  #watchdog: ReturnType<typeof setInterval> | null = null;
  #stopping = false;
  /** True until every thread has reported ready once: a death before that is a start failure. */
  #starting = true;
  #startFailed: (error: Error) => void = () => {};
  readonly #queries = new ThreadQueries();

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#config = options.config;
    const slot = (role: Role, id: number): Slot =>
      ({ role, id, thread: null, generation: 0, lastBeat: Date.now(), restarts: new RestartBudget(options.maxRestarts, options.crashWindow), ready: null, waiting: [], drained: null, queued: [] });
    for (let i = 0; i < options.brokers; i++) this.#brokers.push(slot("broker", i));
    for (let i = 0; i < options.workers; i++) this.#workers.push(slot("worker", i));
  }

  /** Start every thread; resolves once every worker listens. */
  async start(): Promise<void> {
    const failed = new Promise<never>((_, reject) => { this.#startFailed = reject; });
    // Brokers start once the first worker listens: a handshake needs no broker, and on few
    // cores their start-up would delay the first worker's. Their links wait in `queued`.
    const startBrokers = () => {
      for (const broker of this.#brokers) {
        if (broker.thread || this.#stopping) continue;
        this.#spawn(broker, []);
        this.#linkMain(broker, false);
      }
    };
    const started = (async () => {
      // The first worker starts alone: a handshake needs one listening worker, and on few
      // cores the others' start-up would delay its. With port 0 it also picks the port the
      // others then share (reusePort).
      this.port = await this.#startWorker(this.#workers[0]!);
      startBrokers();
      if (this.#config.port === 0) this.#config = { ...this.#config, port: this.port };
      await Promise.all(this.#workers.slice(1).map((slot) => this.#startWorker(slot)));
    })();
    await Promise.race([started, failed]);
    this.#starting = false;
    this.#watchdog = setInterval(() => this.#checkHeartbeats(), 250);
  }

  /** Ask every worker to close its sockets with 1001; resolves when all did or at the drain timeout. */
  async drain(): Promise<void> {
    this.#stopping = true;
    const drained = this.#workers.map((slot) => new Promise<void>((resolve) => {
      slot.drained = resolve;
      this.#post(slot, { type: "drain" });
    }));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, this.#config.drainTimeout); });
    await Promise.race([Promise.all(drained), timeout]);
    clearTimeout(timer);
    this.terminate();
  }

  /** Stop every thread at once. */
  terminate(): void {
    this.#stopping = true;
    if (this.#watchdog) clearInterval(this.#watchdog);
    for (const slot of [...this.#workers, ...this.#brokers]) {
      slot.generation++;
      slot.thread?.terminate();
      slot.thread = null;
    }
  }

  /** Test hook and admin action: kill a thread as if it had crashed. */
  kill(role: Role, id: number): void {
    const slot = (role === "worker" ? this.#workers : this.#brokers)[id];
    if (slot?.thread) this.#died(slot, slot.generation, "killed by request");
  }

  /** Ask every live thread of `query.roles` (default workers) the control op; each answers within `timeoutMs`. */
  ask(query: ThreadQuery, timeoutMs: number): Promise<QueryAnswer[]> {
    const roles = query.roles ?? ["worker"];
    const slots = [...(roles.includes("worker") ? this.#workers : []), ...(roles.includes("broker") ? this.#brokers : [])];
    return this.#queries.ask(slots.map((slot) => ({
      role: slot.role, id: slot.id,
      post: slot.thread && !slot.ready ? (message: SupervisorToThread) => this.#post(slot, message) : null,
    })), query, timeoutMs);
  }

  /** Every thread's role, id, state and restarts so far (metrics and the admin page). */
  threads(): Array<{ role: Role; id: number; state: "running" | "starting" | "down"; restarts: number }> {
    return [...this.#workers, ...this.#brokers].map((slot) => ({
      role: slot.role, id: slot.id, restarts: slot.restarts.total,
      state: slot.thread === null ? "down" : slot.ready ? "starting" : "running",
    }));
  }

  /** Resolves when this thread's next incarnation reports ready (after a kill or crash). */
  nextStart(role: Role, id: number): Promise<void> {
    const slot = (role === "worker" ? this.#workers : this.#brokers)[id];
    if (!slot) return Promise.reject(new RangeError(`No ${role} ${id}`));
    return new Promise((resolve) => slot.waiting.push(resolve));
  }

  #startWorker(slot: Slot): Promise<number> {
    const ports = this.#brokers.map((broker) => {
      const channel = new MessageChannel();
      this.#post(broker, { type: "attach", id: slot.id, port: channel.port2 }, [channel.port2]);
      return channel.port1;
    });
    return new Promise((resolve) => {
      slot.ready = resolve;
      this.#spawn(slot, ports);
    });
  }

  #spawn(slot: Slot, ports: MessagePort[], resyncFrom?: number[]): void {
    const url = slot.role === "worker" ? this.#options.workerUrl : this.#options.brokerUrl;
    // The first worker may already be running its code (spareThread.ts: started before the config was read).
    const thread = (slot.role === "worker" && slot.generation === 0 ? takeSpareThread(url) : null) ?? new Worker(url, { type: "module" });
    const generation = ++slot.generation;
    slot.thread = thread;
    slot.lastBeat = Date.now();
    thread.onmessage = (event: MessageEvent<ThreadToSupervisor>) => {
      if (slot.generation === generation) this.#fromThread(slot, event.data);
    };
    thread.addEventListener("error", (event: Event) => {
      // Deno ends the whole process on a worker error unless it is prevented.
      event.preventDefault();
      const error = event as ErrorEvent;
      const { cause, stack } = crashCause("uncaught error", error.error, error.message);
      this.#died(slot, generation, cause, stack);
    });
    // Bun fires close when a worker exits (process.exit, self.close); Deno does not, hence the heartbeat.
    thread.addEventListener("close", () => this.#died(slot, generation, "thread exited"));
    this.#post(slot, { type: "start", role: slot.role, id: slot.id, config: this.#config, ports, ...(resyncFrom ? { resyncFrom } : {}) }, ports);
    for (const [message, transfer] of slot.queued.splice(0)) this.#post(slot, message, transfer);
  }

  #fromThread(slot: Slot, message: ThreadToSupervisor): void {
    slot.lastBeat = Date.now();
    switch (message.type) {
      case "log": return this.#options.writeRecord(message.record);
      case "ready":
        slot.ready?.(message.port ?? 0);
        slot.ready = null;
        for (const resolve of slot.waiting.splice(0)) resolve();
        return;
      case "drained": slot.drained?.(); return;
      case "fatal": return this.#died(slot, slot.generation, message.cause, message.stack);
      case "beat": return;
      case "controlAnswer": return this.#queries.settle(message.id, message);
      case "ask": return this.#answerAsk(slot, message);
    }
  }

  #answerAsk(slot: Slot, message: Extract<ThreadToSupervisor, { type: "ask" }>): void {
    const generation = slot.generation;
    const reply = (answer: { hosts?: unknown[]; error?: string }) => {
      if (slot.generation === generation) this.#post(slot, { type: "asked", id: message.id, ...answer });
    };
    if (!this.#options.onAsk) return reply({ error: "This host has no control path" });
    this.#options.onAsk(message.query, message.scope ?? "cluster").then((hosts) => reply({ hosts }), (error) => reply({ error: String(error?.message ?? error) }));
  }

  #checkHeartbeats(): void {
    const now = Date.now();
    for (const slot of [...this.#workers, ...this.#brokers]) {
      if (slot.thread && now - slot.lastBeat > heartbeatTimeout) this.#died(slot, slot.generation, "no heartbeat");
    }
  }

  #died(slot: Slot, generation: number, cause: string, stack?: string): void {
    if (slot.generation !== generation || this.#stopping) return;
    slot.generation++;
    slot.thread?.terminate();
    slot.thread = null;
    this.#options.log.error(`${slot.role} ${slot.id} died: ${cause}`, { role: slot.role, thread: slot.id, cause, stack });
    if (this.#starting) {
      // A thread that cannot start once (a worker script that fails to load) will not start on retry.
      this.terminate();
      const error = new Error(`scx could not start: ${slot.role} ${slot.id} failed: ${cause}`);
      error.name = "StartError";
      return this.#startFailed(error);
    }
    // Workers hold what they would send to a dead broker until its successor is attached.
    if (slot.role === "broker") {
      for (const worker of this.#workers) this.#post(worker, { type: "detach", id: slot.id });
      this.#options.mainLinks?.detach(slot.id);
    }
    const delay = slot.restarts.crashed();
    if (delay === null) {
      return this.#options.onGiveUp(`${slot.role} ${slot.id} crashed ${slot.restarts.recent} times within ${slot.restarts.windowMs} ms; giving up`);
    }
    setTimeout(() => this.#restart(slot), delay);
  }

  #restart(slot: Slot): void {
    if (this.#stopping) return;
    this.#options.log.info(`Restarting ${slot.role} ${slot.id}`);
    if (slot.role === "worker") {
      for (const broker of this.#brokers) this.#post(broker, { type: "detach", id: slot.id });
      void this.#startWorker(slot);
      return;
    }
    // Workers that are down get their links when they restart (#startWorker). The broker
    // learns up front whom it waits for: a link's resync (and replayed publications) may
    // reach it before the supervisor's next attach does (Deno), and must not be delivered
    // before every worker's channel list is in.
    const running = this.#workers.filter((w) => w.thread !== null);
    this.#spawn(slot, [], [...running.map((w) => w.id), ...(this.#options.mainLinks ? [mainThreadId] : [])]);
    this.#linkMain(slot, true);
    for (const worker of running) {
      const channel = new MessageChannel();
      this.#post(slot, { type: "attach", id: worker.id, port: channel.port2, resync: true }, [channel.port2]);
      this.#post(worker, { type: "attach", id: slot.id, port: channel.port1 }, [channel.port1]);
    }
  }

  #linkMain(broker: Slot, resync: boolean): void {
    if (!this.#options.mainLinks) return;
    const channel = new MessageChannel();
    this.#post(broker, { type: "attach", id: mainThreadId, port: channel.port2, resync }, [channel.port2]);
    this.#options.mainLinks.attach(broker.id, channel.port1);
  }

  #post(slot: Slot, message: SupervisorToThread, transfer: MessagePort[] = []): void {
    if (slot.thread) slot.thread.postMessage(message, transfer);
    else if (slot.generation === 0) slot.queued.push([message, transfer]);
  }
}
