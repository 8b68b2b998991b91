/**
 * GET /metrics: this host's Prometheus metrics, summed over all its threads whichever
 * thread got the request (asked through the control path), guarded by the API key.
 * Off (404) without `api.key`.
 *
 * @example
 * mountMetrics(app, { config, control });
 */
import type { Hono } from "hono";
import type { Config } from "../config/schema.ts";
import type { ControlPlane } from "../control/ControlPlane.ts";
import { hostSnapshot } from "../admin/hostSnapshot.ts";
import { renderMetrics } from "../metrics/renderMetrics.ts";
import { metricsContentType } from "../metrics/exposition.ts";
import { apiKeyGuard } from "./apiKeyGuard.ts";

export function mountMetrics(app: Hono, options: { config: Config; control: ControlPlane }): void {
  const key = options.config.api.key;
  if (key === undefined) return;
  app.get("/metrics", apiKeyGuard(key), async (c) => {
    const snapshot = await hostSnapshot(options.control);
    return c.body(renderMetrics(snapshot), 200, { "content-type": metricsContentType, "cache-control": "no-store" });
  });
}
