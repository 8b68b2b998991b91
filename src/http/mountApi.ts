/**
 * Put the server API on a hono app at /api (when `api.key` is set): the public port's
 * worker app, or the main thread's api.port app. /metrics and /admin/ mount beside it.
 *
 * @example
 * mountApi(app, { config, exchange: server.exchange, control });
 */
import type { Hono } from "hono";
import type { Config } from "../config/schema.ts";
import type { ControlPlane } from "../control/ControlPlane.ts";
import { type ApiExchange, ServerApi } from "./ServerApi.ts";
import { apiRoutes } from "./apiRoutes.ts";

export interface ApiMountOptions { config: Config; exchange: ApiExchange; control: ControlPlane }

/** The mounted ServerApi, or null when the API is off (no key). */
export function mountApi(app: Hono, options: ApiMountOptions): ServerApi | null {
  const key = options.config.api.key;
  if (key === undefined) return null;
  const api = new ServerApi(options.exchange, options.control);
  app.route("/api", apiRoutes(api, key, options.config.maxPayload));
  return api;
}
