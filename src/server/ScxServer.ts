/**
 * The server an app embeds: `createServer(config)` returns one. It starts the brokers and
 * a socket worker in this thread (the same code the worker and broker threads run) and
 * exposes SocketCluster's vocabulary: procedures, receivers, middleware, exchange, events.
 *
 * @example
 * const server = createServer({ port: 8000, workers: 0 });
 * server.procedure("echo", (data) => data);
 * await server.start();
 */
import type { Config } from "../config/schema.ts";
import type { Runtime, ServeHandle } from "../runtime/runtime.ts";
import type { Logger } from "../threads/logger.ts";
import type { AuthEngine } from "../auth/AuthEngine.ts";
import { jsonCodec } from "../protocol/codec.ts";
import { CloseCode } from "../protocol/closeCodes.ts";
import { localLinkPair } from "../threads/localLink.ts";
import type { BrokerToWorker, WorkerToBroker } from "../threads/messages.ts";
import { Broker } from "../broker/Broker.ts";
import { type Procedure, type Receiver, SocketWorker, type WorkerEvents } from "../worker/SocketWorker.ts";
import { Exchange } from "../worker/Exchange.ts";
import type { Middleware, MiddlewareStage } from "../worker/middleware.ts";
import type { ServerSocket } from "../worker/ServerSocket.ts";
import { serveWorker } from "../http/serveWorker.ts";

export class ScxServer {
  readonly config: Config;
  readonly exchange: Exchange;
  readonly brokers: Broker[];
  readonly #worker: SocketWorker;
  readonly #runtime: Runtime;
  #handle: ServeHandle | null = null;

  constructor(options: { config: Config; runtime: Runtime; log: Logger; auth: AuthEngine | null }) {
    this.config = options.config;
    this.#runtime = options.runtime;
    this.brokers = [];
    const links = [];
    for (let i = 0; i < Math.max(1, this.config.brokers); i++) {
      const [workerSide, brokerSide] = localLinkPair<BrokerToWorker, WorkerToBroker>();
      const broker = new Broker();
      broker.attachWorker(0, brokerSide);
      this.brokers.push(broker);
      links.push(workerSide);
    }
    this.#worker = new SocketWorker({ config: this.config, codec: jsonCodec, log: options.log, brokers: links, auth: options.auth });
    this.exchange = new Exchange(this.#worker);
  }

  /** The bound port (useful with `port: 0`); 0 before start. */
  get port(): number {
    return this.#handle?.port ?? 0;
  }

  /** Connected sockets by id. */
  get clients(): ReadonlyMap<string, ServerSocket> {
    return this.#worker.clients;
  }

  get clientsCount(): number {
    return this.#worker.clients.size;
  }

  procedure(name: string, handler: Procedure): this {
    this.#worker.procedure(name, handler);
    return this;
  }

  receiver(name: string, handler: Receiver): this {
    this.#worker.receiver(name, handler);
    return this;
  }

  middleware<S extends MiddlewareStage>(stage: S, fn: Middleware<S>): this {
    this.#worker.middleware(stage, fn);
    return this;
  }

  on<K extends keyof WorkerEvents>(event: K, listener: (...args: WorkerEvents[K]) => void): () => void {
    return this.#worker.on(event, listener);
  }

  async start(): Promise<void> {
    if (this.#handle) return;
    const runtime = this.#runtime;
    this.#handle = await serveWorker({
      worker: this.#worker,
      runtime,
      reusePort: false,
      clientModule: () => runtime.bundleBrowserModule(new URL("../client/index.ts", import.meta.url).pathname),
    });
  }

  /** Close every socket with 1001 (clients reconnect) and stop listening. */
  async stop(): Promise<void> {
    const handle = this.#handle;
    if (!handle) return;
    this.#handle = null;
    this.#worker.detach(CloseCode.GoingAway);
    await handle.stop(true);
  }
}
