/**
 * The client's options, with socketcluster-client's names and defaults.
 *
 * @example
 * withDefaults({ hostname: "example.com", secure: true }).path; // "/socketcluster/"
 */
import { type AuthStorage, defaultAuthStorage } from "./authStorage.ts";
import { type BackoffOptions, defaultBackoff } from "./backoff.ts";
import { type Codec, jsonCodec } from "../protocol/codec.ts";

type QueryValue = string | number | boolean;

export interface ClientOptions {
  /** Default: the page's hostname, else "localhost". */
  hostname?: string;
  /** Default: the page's port, else the scheme's (left out of the URL). */
  port?: number;
  /** "hostname:port" in one; not together with hostname or port. */
  host?: string;
  /** wss instead of ws. Default: whether the page is https. */
  secure?: boolean;
  /** Overrides "ws"/"wss". */
  protocolScheme?: string;
  path?: string;
  /** Added to the URL; an array repeats its key. */
  query?: Record<string, QueryValue | QueryValue[]> | string;
  /** Add `timestampParam=<ms>` to every connection URL (defeats caches). */
  timestampRequests?: boolean;
  timestampParam?: string;
  autoConnect?: boolean;
  autoReconnect?: boolean;
  autoReconnectOptions?: Partial<BackoffOptions>;
  /** Resubscribe pending channels after each handshake; if false, call `processPendingSubscriptions()`. */
  autoSubscribeOnConnect?: boolean;
  ackTimeout?: number;
  /** Milliseconds for the WebSocket to open (else close 4007); also the ping timeout until the handshake. */
  connectTimeout?: number;
  /** Do not close with 4000 when the server's pings stop (for servers with pings disabled). */
  pingTimeoutDisabled?: boolean;
  /** 2 answers "" pings with ""; 1 answers "#1" with "#2". Both answer either ping. */
  protocolVersion?: 1 | 2;
  /** Prepended to every channel name on the wire. */
  channelPrefix?: string;
  /** Storage key of the signed auth token. */
  authTokenName?: string;
  /** Token storage (SocketCluster's name for it). Default: localStorage, else memory. */
  authEngine?: AuthStorage;
  /** A WebSocket constructor, for runtimes without a global one (Node: the ws package). */
  WebSocket?: new (url: string) => WebSocket;
  /**
   * The wire codec, matching the server's `codec`. Default: JSON. For MessagePack,
   * `import { msgpackCodec } from "scx/client/msgpack"` (kept out of the default bundle).
   */
  codec?: Codec;
}

export interface ResolvedOptions {
  hostname: string;
  port: number | undefined;
  secure: boolean;
  protocolScheme: string;
  path: string;
  /** The query string, without "?". */
  query: string;
  timestampRequests: boolean;
  timestampParam: string;
  autoConnect: boolean;
  autoReconnect: boolean;
  autoReconnectOptions: BackoffOptions;
  autoSubscribeOnConnect: boolean;
  ackTimeout: number;
  connectTimeout: number;
  pingTimeoutDisabled: boolean;
  protocolVersion: 1 | 2;
  channelPrefix: string;
  authTokenName: string;
  authEngine: AuthStorage;
  WebSocket: new (url: string) => WebSocket;
  codec: Codec;
}

export function withDefaults(options: ClientOptions): ResolvedOptions {
  const location = (globalThis as { location?: { protocol: string; hostname: string; port: string } }).location;
  const WebSocketCtor = options.WebSocket ?? (globalThis as { WebSocket?: new (url: string) => WebSocket }).WebSocket;
  if (!WebSocketCtor) throw new TypeError("No WebSocket constructor: pass one as the WebSocket option");
  if (options.host !== undefined && (options.hostname !== undefined || options.port !== undefined)) {
    throw new TypeError("The host option cannot be combined with hostname or port");
  }
  const [hostHostname, hostPort] = splitHost(options.host);
  const secure = options.secure ?? location?.protocol === "https:";
  return {
    hostname: hostHostname ?? options.hostname ?? (location?.hostname || "localhost"),
    port: options.host !== undefined ? hostPort : options.port ?? (location?.port ? Number(location.port) : undefined),
    secure,
    protocolScheme: options.protocolScheme ?? (secure ? "wss" : "ws"),
    path: options.path ?? "/socketcluster/",
    query: queryString(options.query),
    timestampRequests: options.timestampRequests ?? false,
    timestampParam: options.timestampParam ?? "t",
    autoConnect: options.autoConnect ?? true,
    autoReconnect: options.autoReconnect ?? true,
    autoReconnectOptions: { ...defaultBackoff, ...options.autoReconnectOptions },
    autoSubscribeOnConnect: options.autoSubscribeOnConnect ?? true,
    ackTimeout: options.ackTimeout ?? 10000,
    connectTimeout: options.connectTimeout ?? 20000,
    pingTimeoutDisabled: options.pingTimeoutDisabled ?? false,
    protocolVersion: options.protocolVersion ?? 2,
    channelPrefix: options.channelPrefix ?? "",
    authTokenName: options.authTokenName ?? "socketcluster.authToken",
    authEngine: options.authEngine ?? defaultAuthStorage(),
    WebSocket: WebSocketCtor,
    codec: options.codec ?? jsonCodec,
  };
}

function splitHost(host: string | undefined): [string | undefined, number | undefined] {
  if (host === undefined) return [undefined, undefined];
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!match) throw new TypeError(`Invalid host option: "${host}" (expected "hostname:port")`);
  return [match[1]!.replace(/^\[(.*)\]$/, "$1"), match[2] === undefined ? undefined : Number(match[2])];
}

function queryString(query: ClientOptions["query"]): string {
  if (typeof query === "string") return query.replace(/^\?/, "");
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  return params.toString();
}
