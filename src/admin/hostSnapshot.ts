/**
 * This host's stats, fresh: every worker and broker thread answers the `metrics` control
 * op with its snapshot, the main thread adds what it knows (thread states, restarts, the
 * counts of restarted threads' earlier lives) in its HostInfo, and the sum is made here,
 * whichever thread asked.
 *
 * @example
 * const host = await hostSnapshot(control);
 * c.body(renderMetrics(host), 200, { "content-type": metricsContentType });
 */
import type { ControlPlane } from "../control/ControlPlane.ts";
import { HostStats, type HostSnapshot, type RetiredCounts } from "../metrics/HostStats.ts";
import type { ThreadInfo, ThreadStats } from "../metrics/ThreadStats.ts";

/** What the main thread adds to its HostInfo for the metrics (see AdminHub.hostInfo). */
export type MetricsHostInfo = { threads?: ThreadInfo[]; metricsRetired?: RetiredCounts };

export async function hostSnapshot(control: ControlPlane): Promise<HostSnapshot> {
  const [host] = await control.ask<ThreadStats>("metrics", undefined, { scope: "host", roles: ["worker", "broker"] });
  const info = (host?.info ?? {}) as Partial<MetricsHostInfo> & { version?: string };
  const answered: ThreadInfo[] = (host?.threads ?? []).map((t) => ({ role: t.role, id: t.id, state: t.value ? "running" : "down", restarts: 0 }));
  const stats = new HostStats({
    node: host?.host ?? "local", version: info.version ?? "",
    threads: () => info.threads ?? answered, retired: info.metricsRetired,
  });
  for (const thread of host?.threads ?? []) if (thread.value) stats.report(thread.value);
  return { ...stats.snapshot(), unanswered: (host?.threads ?? []).filter((t) => t.error !== undefined).length };
}
