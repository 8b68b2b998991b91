/**
 * The HTTP routes of a socket worker (hono): health, the browser client, static files.
 * WebSocket upgrades never reach hono (see handleUpgrade.ts).
 *
 * @example
 * const app = createHttpApp({ worker, clientModule });
 * runtime.serve({ ..., fetch: (req) => app.fetch(req) });
 */
import { Hono } from "hono";
import type { SocketWorker } from "../worker/SocketWorker.ts";

export interface HttpAppOptions {
  worker: SocketWorker;
  /** Produces the browser client module served at /scx-client.js. */
  clientModule: () => Promise<string>;
  /** Whether the worker's links and engine are ready (for /readyz). */
  ready?: () => boolean;
}

export function createHttpApp(options: HttpAppOptions): Hono {
  const { worker } = options;
  const { config } = worker;
  const app = new Hono();
  let clientModule: Promise<string> | null = null;

  app.get("/health-check", (c) => c.text("OK"));
  app.get("/healthz", (c) => c.text("OK"));
  app.get("/readyz", (c) => (options.ready?.() ?? true) ? c.text("OK") : c.text("Not ready", 503));
  app.get("/scx-client.js", async (c) => {
    clientModule ??= options.clientModule();
    return c.body(await clientModule, 200, { "content-type": "text/javascript; charset=utf-8" });
  });
  app.get(config.path, (c) => c.text("Upgrade Required", 426));
  return app;
}
