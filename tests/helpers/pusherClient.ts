/**
 * For the Pusher protocol tests: the real pusher-js (Node build) against a test server,
 * and a small auth endpoint (Bun.serve on port 0) that signs with the real `pusher`
 * server SDK (`authorizeChannel`, `authenticateUser`), as an app's backend would.
 */
const PusherJs = require("pusher-js");
const PusherServer = require("pusher");

export const pusherApp = { id: "1", key: "app-key", secret: "app-secret-0123", clientEvents: true };

export interface AuthEndpoint { url: string; stop(): void }

/**
 * POST /auth `{ socket_id, channel_name, presence? }` → the SDK's authorizeChannel answer;
 * POST /user `{ socket_id, user }` → authenticateUser. `forge: true` in the body signs
 * with a wrong secret (a forged signature).
 */
export function startAuthEndpoint(app = pusherApp): AuthEndpoint {
  const sdk = new PusherServer({ appId: app.id, key: app.key, secret: app.secret });
  const forger = new PusherServer({ appId: app.id, key: app.key, secret: "not-the-secret" });
  const server = Bun.serve({
    hostname: "127.0.0.1", port: 0,
    async fetch(request) {
      const body = await request.json() as any;
      const signer = body.forge ? forger : sdk;
      const path = new URL(request.url).pathname;
      if (path === "/auth") return Response.json(signer.authorizeChannel(body.socket_id, body.channel_name, body.presence));
      if (path === "/user") return Response.json(signer.authenticateUser(body.socket_id, body.user));
      return new Response("Not found", { status: 404 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

export interface ClientOptions {
  /** Presence channels: this connection's member `{ user_id, user_info }`. */
  presence?: { user_id: string; user_info?: unknown };
  /** pusher:signin user data `{ id, ... }`. */
  user?: { id: string; [key: string]: unknown };
  forge?: boolean;
  key?: string;
}

/** A pusher-js client on scx, auth through the endpoint (customHandler: the Node build's XHR is not needed). */
export function pusherClient(port: number, auth: AuthEndpoint | null, options: ClientOptions = {}): any {
  const post = (path: string, body: unknown, callback: (error: Error | null, data: any) => void) => {
    fetch(`${auth!.url}${path}`, { method: "POST", body: JSON.stringify(body) })
      .then((response) => response.json()).then((data) => callback(null, data), (error) => callback(error, null));
  };
  return new PusherJs(options.key ?? pusherApp.key, {
    wsHost: "127.0.0.1", wsPort: port, forceTLS: false, enabledTransports: ["ws"], cluster: "mt1", disableStats: true,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }: { socketId: string; channelName: string }, callback: any) =>
        post("/auth", {
          socket_id: socketId, channel_name: channelName, forge: options.forge,
          presence: channelName.startsWith("presence-") ? options.presence : undefined,
        }, callback),
    },
    userAuthentication: {
      customHandler: ({ socketId }: { socketId: string }, callback: any) => post("/user", { socket_id: socketId, user: options.user }, callback),
    },
  });
}

/** Resolves with the first emission's data of `event` on a pusher-js channel, connection or client. */
export function once(target: { bind(event: string, fn: (...args: any[]) => void): void; unbind(event: string, fn: (...args: any[]) => void): void }, event: string): Promise<any> {
  return new Promise((resolve) => {
    const fn = (...args: any[]) => {
      target.unbind(event, fn);
      resolve(args[0]);
    };
    target.bind(event, fn);
  });
}

/** Every emission of `event` in order, with a way to wait for the next ones. */
export function record(target: { bind(event: string, fn: (...args: any[]) => void): void }, event: string) {
  const seen: any[] = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  target.bind(event, (data: any, metadata: any) => {
    // pusher-js gives every channel event a metadata object; only client events on presence channels fill it.
    seen.push(metadata?.user_id === undefined ? data : { data, metadata });
    for (const wait of [...waiting]) if (seen.length >= wait.count) { waiting.splice(waiting.indexOf(wait), 1); wait.resolve(); }
  });
  return {
    seen,
    /** Resolves once `count` emissions have been seen in all. */
    async until(count: number): Promise<any[]> {
      if (seen.length < count) await new Promise<void>((resolve) => waiting.push({ count, resolve }));
      return seen;
    },
  };
}

export async function connectedClient(port: number, auth: AuthEndpoint | null, options: ClientOptions = {}): Promise<any> {
  const client = pusherClient(port, auth, options);
  await once(client.connection, "connected");
  return client;
}

export async function subscribed(client: any, channel: string): Promise<{ channel: any; data: any }> {
  const ch = client.subscribe(channel);
  const data = await once(ch, "pusher:subscription_succeeded");
  return { channel: ch, data };
}
