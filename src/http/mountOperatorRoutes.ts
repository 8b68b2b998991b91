/**
 * /metrics and /admin/ on one hono app: the worker's (public port) or the main thread's
 * api.port app. The admin page's script is bundled on first request (embedded in the
 * binary as scx-admin.js by `npm run build`).
 *
 * @example
 * mountOperatorRoutes(app, { config, control, runtime });
 */
import type { Hono } from "hono";
import type { Config } from "../config/schema.ts";
import type { ControlPlane } from "../control/ControlPlane.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { mountMetrics } from "./metricsRoute.ts";
import { mountAdmin } from "./adminRoutes.ts";

export interface OperatorRouteOptions {
  config: Config;
  control: ControlPlane;
  runtime: Runtime;
  /** The public port for the admin page's WebSocket, when the page is served on another port. */
  wsPort?: () => number;
}

export function mountOperatorRoutes(app: Hono, options: OperatorRouteOptions): void {
  mountMetrics(app, options);
  const entry = new URL("../admin/page/main.ts", import.meta.url).pathname;
  mountAdmin(app, { ...options, bundle: () => options.runtime.bundleBrowserModule(entry, "scx-admin.js") });
}
