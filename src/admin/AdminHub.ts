/**
 * The admin face on a host's main thread: once a second it asks every thread of the
 * host for its stats (the `metrics` control op), keeps what restarted threads had
 * counted (so counters never go back), and publishes the host's snapshot on the admin
 * stats channel, where every signed-in admin page of the cluster hears every host.
 * It also gives the main thread's HostInfo its metrics fields (thread states, restarts,
 * earlier counts), so /metrics answered on any thread is the same.
 *
 * @example
 * const hub = new AdminHub({ control, threads: () => supervisor.threads(), publish: (ch, data) => exchange.publish(ch, data) });
 * hub.start();
 * hostInfo = () => ({ ...base, ...hub.hostInfo() });
 */
import type { ControlPlane } from "../control/ControlPlane.ts";
import { HostStats, type HostSnapshot } from "../metrics/HostStats.ts";
import type { ThreadInfo, ThreadStats } from "../metrics/ThreadStats.ts";
import { adminStatsChannel } from "./adminSocket.ts";
import type { MetricsHostInfo } from "./hostSnapshot.ts";

export interface AdminHubOptions {
  control: ControlPlane;
  /** This host's threads as the supervisor sees them (in-process: the one worker and the brokers). */
  threads: () => ThreadInfo[];
  /** Publish on a channel cluster-wide (server.exchange.publish); null: poll only, publish nothing. */
  publish: ((channel: string, data: unknown) => unknown) | null;
  intervalMs?: number;
}

export class AdminHub {
  readonly #options: AdminHubOptions;
  #stats: HostStats | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #polling = false;
  #last: HostSnapshot | null = null;

  constructor(options: AdminHubOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.poll(), this.#options.intervalMs ?? 1000);
    void this.poll();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** The latest snapshot (null before the first poll). */
  get last(): HostSnapshot | null {
    return this.#last;
  }

  /** The fields /metrics needs from the main thread's HostInfo. */
  hostInfo(): MetricsHostInfo {
    const threads = this.#options.threads();
    const generations = new Map(threads.map((t) => [`${t.role}:${t.id}`, t.restarts]));
    return { threads, ...(this.#stats ? { metricsRetired: this.#stats.retired(generations) } : {}) };
  }

  /** Ask the threads once, publish the result; resolves with the snapshot. */
  async poll(): Promise<HostSnapshot | null> {
    if (this.#polling) return this.#last;
    this.#polling = true;
    try {
      const [host] = await this.#options.control.ask<ThreadStats>("metrics", undefined, { scope: "host", roles: ["worker", "broker"] });
      if (!host) return this.#last;
      this.#stats ??= new HostStats({ node: host.host, version: String(host.info?.version ?? ""), threads: this.#options.threads });
      const restarts = new Map(this.#options.threads().map((t) => [`${t.role}:${t.id}`, t.restarts]));
      for (const thread of host.threads) {
        if (thread.value) this.#stats.report(thread.value, restarts.get(`${thread.role}:${thread.id}`) ?? 0);
      }
      this.#last = this.#stats.snapshot();
      if (this.#timer) this.#options.publish?.(adminStatsChannel, this.#last);
      return this.#last;
    } catch {
      return this.#last;
    } finally {
      this.#polling = false;
    }
  }
}
