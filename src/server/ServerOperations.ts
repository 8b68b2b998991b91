/**
 * The operator side of an ScxServer: its host's control hub (every thread, every host),
 * `server.api` (the server API as functions), and the api.port server when configured.
 * ScxServer owns one and starts it before its sockets, so threads can ask at once.
 *
 * @example
 * const operations = new ServerOperations(config, runtime, exchange);
 * await operations.start((query) => supervisor.ask(query, threadAnswerTimeout));
 * await operations.api.publish("chat/1", "hi");
 */
import type { Config } from "../config/schema.ts";
import type { Runtime, ServeHandle } from "../runtime/runtime.ts";
import type { AskOptions, ControlPlane, ControlQuery, HostAnswer, ThreadAnswer } from "../control/ControlPlane.ts";
import { ControlHandlers } from "../control/ControlHandlers.ts";
import type { HostControl } from "../control/HostControl.ts";
import { type ApiExchange, ServerApi } from "../http/ServerApi.ts";
import type { startApiServer as StartApiServer } from "../http/apiServer.ts";
import { createHostControl } from "./createHostControl.ts";

export class ServerOperations implements ControlPlane {
  /** The in-process worker's control ops (workers: 0). */
  readonly handlers = new ControlHandlers();
  /** The in-process brokers' control ops, by broker id (workers: 0; e.g. `metrics` for their webhook counters). */
  readonly brokerHandlers: ControlHandlers[] = [];
  readonly api: ServerApi;
  #control: HostControl | null = null;
  #apiHandle: ServeHandle | null = null;

  constructor(private readonly config: Config, private readonly runtime: Runtime, private readonly exchange: ApiExchange) {
    this.api = new ServerApi(exchange, this);
  }

  /** This host's id (after start). */
  get hostId(): string | null {
    return this.#control?.hostId ?? null;
  }

  /** The bound api.port (0 when not serving one). */
  get apiPort(): number {
    return this.#apiHandle?.port ?? 0;
  }

  /** Start the hub; `askThreads` reaches this host's threads (omitted: the in-process worker's handlers). */
  async start(askThreads?: (query: ControlQuery) => Promise<ThreadAnswer[]>, extraInfo?: () => Record<string, unknown>): Promise<void> {
    const local = async (query: ControlQuery): Promise<ThreadAnswer[]> => {
      const roles = query.roles ?? ["worker"];
      const answers: ThreadAnswer[] = roles.includes("worker") ? [{ role: "worker", id: 0, ...await this.handlers.answer(query.op, query.args) }] : [];
      if (roles.includes("broker")) {
        for (const [id, handlers] of this.brokerHandlers.entries()) answers.push({ role: "broker", id, ...await handlers.answer(query.op, query.args) });
      }
      return answers;
    };
    this.#control = await createHostControl({ config: this.config, askThreads: askThreads ?? local, extraInfo });
  }

  /** Serve api.port when the config sets it (after the threads run). */
  async serveApiPort(): Promise<void> {
    if (this.config.api.port === undefined || this.config.api.key === undefined || !this.#control) return;
    // Loaded only with api.port: its routes' schemas cost start-up otherwise.
    const { startApiServer }: { startApiServer: typeof StartApiServer } = await import("../http/apiServer.ts");
    ({ handle: this.#apiHandle } = await startApiServer({ runtime: this.runtime, config: this.config, exchange: this.exchange, control: this }));
  }

  ask<T = unknown>(op: string, args?: unknown, options?: AskOptions): Promise<HostAnswer<T>[]> {
    if (!this.#control) return Promise.reject(new TypeError("server.api needs the server started (await server.start())"));
    return this.#control.ask<T>(op, args, options);
  }

  /** A worker thread's ask, answered here (Supervisor onAsk). */
  askQuery(query: ControlQuery, scope: AskOptions["scope"]): Promise<HostAnswer[]> {
    if (!this.#control) return Promise.reject(new Error("The control path is not started"));
    return this.#control.askQuery(query, scope);
  }

  async stop(): Promise<void> {
    const handle = this.#apiHandle;
    this.#apiHandle = null;
    await handle?.stop(true);
    const control = this.#control;
    this.#control = null;
    await control?.close();
  }
}
