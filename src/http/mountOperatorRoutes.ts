/**
 * /metrics and /admin/ on one hono app: the worker's (public port) or the main thread's
 * api.port app. The admin page's script is bundled on first request (embedded in the
 * binary as scx-admin.js by `npm run build`). Each part loads only when its config turns
 * it on (api.key, admin.password), so a worker thread without them listens sooner.
 *
 * @example
 * await mountOperatorRoutes(app, { config, control, runtime });
 */
import type { Hono } from "hono";
import type { Config } from "../config/schema.ts";
import type { ControlPlane } from "../control/ControlPlane.ts";
import type { Runtime } from "../runtime/runtime.ts";

export interface OperatorRouteOptions {
  config: Config;
  control: ControlPlane;
  runtime: Runtime;
  /** The public port for the admin page's WebSocket, when the page is served on another port. */
  wsPort?: () => number;
}

export async function mountOperatorRoutes(app: Hono, options: OperatorRouteOptions): Promise<void> {
  if (options.config.api.key !== undefined) (await import("./metricsRoute.ts")).mountMetrics(app, options);
  if (options.config.admin.password === undefined) return;
  const entry = new URL("../admin/page/main.ts", import.meta.url).pathname;
  (await import("./adminRoutes.ts")).mountAdmin(app, { ...options, bundle: () => options.runtime.bundleBrowserModule(entry, "scx-admin.js") });
}
