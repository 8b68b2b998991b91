/**
 * A WebSocket upgrade request: the path must match exactly (else 400), or be `/app/{key}`
 * when Pusher apps are configured (a Pusher connection; an unknown key still upgrades,
 * to be told pusher:error 4001 as Pusher does), the origin must be
 * allowed (else 403), then handshakeWS middleware (a block answers 401 or the error's
 * statusCode). Done outside hono: its WebSocket helpers hide Bun's send results.
 *
 * @example
 * if (isUpgrade(request)) return handleUpgrade(worker, request, context);
 */
import type { ServeContext } from "../runtime/runtime.ts";
import type { SocketWorker } from "../worker/SocketWorker.ts";
import { type ConnectionData, connectionData } from "../worker/ConnectionData.ts";
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
  const pusher = config.pusher.apps.length > 0 ? pusherAppKey(url.pathname) : undefined;
  if (pusher === undefined && url.pathname !== config.path) return new Response("Bad Request", { status: 400 });
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
  const data = connectionData(request);
  if (pusher !== undefined) data.pusher = pusher;
  return context.upgrade(request, data);
}

/** The app key of a Pusher connection path `/app/{key}`, or undefined. */
function pusherAppKey(pathname: string): string | undefined {
  if (!pathname.startsWith("/app/")) return undefined;
  const key = pathname.slice(5);
  return key === "" || key.includes("/") ? undefined : decodeURIComponent(key);
}
