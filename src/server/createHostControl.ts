/**
 * This host's control hub (src/control/HostControl.ts) with the transport the cluster
 * config calls for: memory for one host, Redis (the first of `cluster.urls`) for several.
 * Started: it answers other hosts at once.
 *
 * @example
 * const control = await createHostControl({ config, askThreads: (query) => supervisor.ask(query, threadAnswerTimeout) });
 */
import type { Config } from "../config/schema.ts";
import { HostControl } from "../control/HostControl.ts";
import { MemoryControl } from "../control/memory.ts";
import type { ControlQuery, ThreadAnswer } from "../control/ControlPlane.ts";
import type { ClusterControl } from "../control/ClusterControl.ts";
import packageJson from "../../package.json" with { type: "json" };

export interface HostControlSetup {
  config: Config;
  askThreads: (query: ControlQuery) => Promise<ThreadAnswer[]>;
  /** More fields for this host's info (thread restarts, ...). */
  extraInfo?: () => Record<string, unknown>;
}

export async function createHostControl(setup: HostControlSetup): Promise<HostControl> {
  const { config } = setup;
  const startedAt = Date.now();
  let transport: ClusterControl;
  if (config.cluster.engine === "redis") {
    // Loaded only when used, as the Redis engine is.
    const { RedisControl } = await import("../control/redis.ts");
    transport = new RedisControl({ url: config.cluster.urls[0]!, prefix: config.cluster.prefix });
  } else {
    transport = new MemoryControl();
  }
  const control = new HostControl({
    transport,
    askThreads: setup.askThreads,
    info: () => ({
      version: packageJson.version,
      uptime: Math.round((Date.now() - startedAt) / 100) / 10,
      workers: Math.max(config.workers ?? 1, 1),
      brokers: config.brokers,
      ...setup.extraInfo?.(),
    }),
  });
  await control.start();
  return control;
}
