/**
 * A host's control hub, on its main thread (or the only thread, in-process): answers a
 * query with every local thread's answer and its own HostInfo, and reaches the other
 * hosts through a ClusterControl transport. The ControlPlane every API route, /metrics
 * and the admin page use on the main thread; worker threads reach it via threadControl.ts.
 *
 * @example
 * const hub = new HostControl({ transport: new MemoryControl(), info: () => ({ ... }), askThreads: (q) => supervisor.ask(q) });
 * await hub.start();
 * const hosts = await hub.ask("channels", { pattern: "chat/*" });
 */
import type { ClusterControl } from "./ClusterControl.ts";
import type { AskOptions, ControlPlane, ControlQuery, HostAnswer, HostInfo, ThreadAnswer } from "./ControlPlane.ts";

export interface HostControlOptions {
  transport: ClusterControl;
  /** This host's info without `id` (the transport's host id is added). */
  info: () => Omit<HostInfo, "id">;
  /** Ask this host's threads; each one answers or comes back with `error` within threadAnswerTimeout. */
  askThreads: (query: ControlQuery) => Promise<ThreadAnswer[]>;
}

export class HostControl implements ControlPlane {
  readonly #options: HostControlOptions;

  constructor(options: HostControlOptions) {
    this.#options = options;
  }

  get hostId(): string {
    return this.#options.transport.hostId;
  }

  /** Start answering other hosts. */
  start(): Promise<void> {
    return this.#options.transport.start((query) => this.answerLocal(query));
  }

  close(): Promise<void> {
    return this.#options.transport.close();
  }

  /** This host's answer: its info and its threads' answers. */
  async answerLocal(query: ControlQuery): Promise<HostAnswer> {
    const threads = await this.#options.askThreads({ ...query, roles: query.roles ?? ["worker"] });
    return { host: this.hostId, info: { ...this.#options.info(), id: this.hostId } as HostInfo, threads };
  }

  ask<T = unknown>(op: string, args?: unknown, options: AskOptions = {}): Promise<HostAnswer<T>[]> {
    return this.askQuery({ op, args, roles: options.roles }, options.scope) as Promise<HostAnswer<T>[]>;
  }

  /** The same as ask, with the query as one value (how worker threads forward theirs). */
  async askQuery(query: ControlQuery, scope: AskOptions["scope"] = "cluster"): Promise<HostAnswer[]> {
    if (scope === "host") return [await this.answerLocal(query)];
    return this.#options.transport.ask(query);
  }
}
