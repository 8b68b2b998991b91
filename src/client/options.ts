/**
 * The client's options, with SocketCluster's names and defaults, and the URL they make.
 *
 * @example
 * socketUrl(withDefaults({ hostname: "example.com", secure: true })); // "wss://example.com/socketcluster/"
 */
import { type AuthStorage, defaultAuthStorage } from "./authStorage.ts";
import { type BackoffOptions, defaultBackoff } from "./backoff.ts";

export interface ClientOptions {
  hostname?: string;
  port?: number;
  secure?: boolean;
  path?: string;
  query?: Record<string, string | number | boolean> | string;
  autoConnect?: boolean;
  autoReconnect?: boolean;
  autoReconnectOptions?: Partial<BackoffOptions>;
  ackTimeout?: number;
  connectTimeout?: number;
  protocolVersion?: 1 | 2;
  authTokenName?: string;
  /** Token storage (SocketCluster's name for it). */
  authEngine?: AuthStorage;
  /** A WebSocket constructor, for runtimes without a global one. */
  WebSocket?: new (url: string) => WebSocket;
}

export type ResolvedOptions = Required<Omit<ClientOptions, "query" | "port" | "autoReconnectOptions">> & {
  port: number | undefined;
  query: string;
  autoReconnectOptions: BackoffOptions;
};

export function withDefaults(options: ClientOptions): ResolvedOptions {
  const location = (globalThis as { location?: Location }).location;
  const secure = options.secure ?? location?.protocol === "https:";
  const WebSocketCtor = options.WebSocket ?? (globalThis as { WebSocket?: new (url: string) => WebSocket }).WebSocket;
  if (!WebSocketCtor) throw new TypeError("No WebSocket constructor: pass one as the WebSocket option");
  const query = typeof options.query === "string" ? options.query.replace(/^\?/, "")
    : new URLSearchParams(Object.entries(options.query ?? {}).map(([k, v]) => [k, String(v)])).toString();
  const locationPort = location?.port ? Number(location.port) : undefined;
  return {
    hostname: options.hostname ?? location?.hostname ?? "localhost",
    port: options.port ?? locationPort,
    secure,
    path: options.path ?? "/socketcluster/",
    query,
    autoConnect: options.autoConnect ?? true,
    autoReconnect: options.autoReconnect ?? true,
    autoReconnectOptions: { ...defaultBackoff, ...options.autoReconnectOptions },
    ackTimeout: options.ackTimeout ?? 10000,
    connectTimeout: options.connectTimeout ?? 20000,
    protocolVersion: options.protocolVersion ?? 2,
    authTokenName: options.authTokenName ?? "socketcluster.authToken",
    authEngine: options.authEngine ?? defaultAuthStorage(),
    WebSocket: WebSocketCtor,
  };
}

export function socketUrl(options: ResolvedOptions): string {
  const scheme = options.secure ? "wss" : "ws";
  const defaultPort = options.secure ? 443 : 80;
  const port = options.port && options.port !== defaultPort ? `:${options.port}` : "";
  const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
  return `${scheme}://${host}${port}${options.path}${options.query ? `?${options.query}` : ""}`;
}
