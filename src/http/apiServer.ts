/**
 * The operator port (`api.port`): the server API, /metrics and /admin/ served by the main
 * thread on a port of their own (like Centrifugo's internal port), off the public one.
 * The main thread answers for the whole cluster through its HostControl.
 *
 * @example
 * const { handle } = await startApiServer({ runtime, config, exchange: server.exchange, control: hub });
 * handle.port; // the bound port (api.port 0 picks one)
 */
import { Hono } from "hono";
import type { Config } from "../config/schema.ts";
import type { ControlPlane } from "../control/ControlPlane.ts";
import type { Runtime, ServeHandle } from "../runtime/runtime.ts";
import type { ApiExchange } from "./ServerApi.ts";
import { mountApi } from "./mountApi.ts";
import { mountOperatorRoutes } from "./mountOperatorRoutes.ts";

export interface ApiServerOptions {
  runtime: Runtime; config: Config; exchange: ApiExchange; control: ControlPlane;
  /** The public (WebSocket) port, for the admin page served here. */
  publicPort?: () => number;
}

export async function startApiServer(options: ApiServerOptions): Promise<{ app: Hono; handle: ServeHandle }> {
  const { runtime, config } = options;
  const app = new Hono();
  mountApi(app, options);
  // The admin page's WebSocket still goes to the public port.
  await mountOperatorRoutes(app, { config, control: options.control, runtime, wsPort: options.publicPort ?? (() => config.port) });
  app.notFound((c) => c.text("Not Found", 404));
  const handle = await runtime.serve<null>({
    hostname: config.api.host, port: config.api.port!, reusePort: false, maxPayload: config.maxPayload,
    fetch: (request) => app.fetch(request),
    websocket: { open() {}, message() {}, close() {} },
  });
  return { app, handle };
}
