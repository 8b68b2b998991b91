/**
 * Put the Pusher HTTP API on the public port's worker app at /apps when `pusher.apps`
 * is set (Pusher server SDKs send it to the same host and port as clients connect to).
 *
 * @example
 * mountPusherApi(app, { config, exchange: api.exchange, control });
 */
import type { Hono } from "hono";
import type { Config } from "../../config/schema.ts";
import type { ControlPlane } from "../../control/ControlPlane.ts";
import { PusherApi, type PusherExchange } from "./PusherApi.ts";
import { pusherRoutes } from "./pusherRoutes.ts";

export interface PusherApiMountOptions { config: Config; exchange: PusherExchange; control: ControlPlane }

/** The mounted PusherApi, or null when no Pusher app is configured. */
export function mountPusherApi(app: Hono, options: PusherApiMountOptions): PusherApi | null {
  const { apps } = options.config.pusher;
  if (apps.length === 0) return null;
  const api = new PusherApi(options.exchange, options.control);
  app.route("/apps", pusherRoutes(apps, api, options.config.maxPayload));
  return api;
}
