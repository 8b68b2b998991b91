/**
 * A WebSocket upgrade request: the path must match exactly (else 400), the origin must be
 * allowed (else 403), then handshakeWS middleware (a block answers 401 or the error's
 * statusCode). Done outside hono: its WebSocket helpers hide Bun's send results.
 *
 * @example
 * if (isUpgrade(request)) return handleUpgrade(worker, request, context);
 */
import type { ServeContext } from "../runtime/runtime.ts";
import type { SocketWorker } from "../worker/SocketWorker.ts";
import type { ConnectionData } from "../worker/ServerSocket.ts";
import { runMiddleware } from "../worker/middleware.ts";
import { originAllowed } from "./originAllowed.ts";

export function isUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

export async function handleUpgrade(
  worker: SocketWorker, request: Request, context: ServeContext<ConnectionData>,
): Promise<Response | undefined> {
  const { config } = worker;
  const url = new URL(request.url);
  if (url.pathname !== config.path) return new Response("Bad Request", { status: 400 });
  const origin = request.headers.get("origin");
  if (!originAllowed(config.origins, origin)) {
    return new Response(`Failed to authorize socket handshake - Invalid origin: ${origin}`, { status: 403 });
  }
  const hooks = worker.middlewares.handshake;
  if (hooks.length > 0) {
    const blocked = await runMiddleware("handshake", hooks, { type: "handshakeWS", request });
    if (blocked) {
      const status = (blocked as { statusCode?: number }).statusCode;
      return new Response(blocked.message, { status: status && status >= 400 && status < 600 ? status : 401 });
    }
  }
  return context.upgrade(request, { socket: null, request: { url: request.url, headers: request.headers } });
}
