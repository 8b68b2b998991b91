/**
 * What a socket keeps of its upgrade request (the connection's data): the URL and the
 * client's headers, without the WebSocket handshake's own. URL texts and whole header
 * lists are shared by every socket that sent the same; a socket's own `Headers` is made
 * when it is first read.
 *
 * @example
 * const data = connectionData(request); // data.request.headers.get("cookie"), data.request.url
 */
import type { ServerSocket } from "./ServerSocket.ts";

/**
 * What a socket keeps of its upgrade request: the URL (with the client's query) and the
 * headers. Not the Request itself, which costs about a kilobyte per idle connection.
 */
export interface SocketRequest { url: string; headers: Headers }

/** Headers of the WebSocket upgrade itself: spent once the connection is open, so not kept. */
const upgradeOnly = new Set(["connection", "upgrade", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions"]);

/**
 * What a socket keeps of its upgrade request: its URL and its headers but the upgrade's
 * own (`sec-websocket-key` and the like, about a third of a typical request's), as the
 * connection's data (which is also the socket's `request`: one object, not two).
 *
 * @example
 * const data = connectionData(request); // data.request.headers.get("cookie"), data.request.url
 */
export function connectionData(request: Request): ConnectionData {
  const pairs: Array<[string, string]> = [];
  let key = "";
  request.headers.forEach((value, name) => {
    if (upgradeOnly.has(name)) return;
    pairs.push([name, value]);
    key += `${name}\n${value}\n`;
  });
  return new ConnectionData(shared(request.url), sharedHeaderList(key, pairs));
}

/**
 * Most connections bring the same URL and header values (host, user agent, origin): each
 * is kept once, for every socket that has it, not once per socket. Bounded: past
 * `sharedLimit` distinct texts (cookies, tokens in queries) it starts over.
 */
const sharedTexts = new Map<string, string>();
const sharedLimit = 4096;

function shared(text: string): string {
  const known = sharedTexts.get(text);
  if (known !== undefined) return known;
  if (sharedTexts.size >= sharedLimit) sharedTexts.clear();
  sharedTexts.set(text, text);
  return text;
}

/** A header list as `headerPairs` keeps it: frozen, since sockets with the same headers share one. */
type HeaderList = ReadonlyArray<readonly [string, string]>;

/** Whole header lists, shared the same way: connections from one kind of client send the same ones. */
const sharedLists = new Map<string, HeaderList>();

function sharedHeaderList(key: string, pairs: Array<[string, string]>): HeaderList {
  const known = sharedLists.get(key);
  if (known !== undefined) return known;
  if (sharedLists.size >= sharedLimit) sharedLists.clear();
  const list = Object.freeze(pairs.map(([name, value]) => Object.freeze([shared(name), shared(value)] as const)));
  sharedLists.set(key, list);
  return list;
}

/** What the runtime keeps for each connection; `pusher`: the app key of a Pusher connection (`/app/{key}`). */
export class ConnectionData implements SocketRequest {
  socket: ServerSocket | null = null;
  /** The app key of a Pusher connection (`/app/{key}`). */
  pusher?: string;
  /** Made on first read: a `Headers` costs 250–500 bytes, and most sockets are never asked. */
  #headers: Headers | undefined;
  constructor(readonly url: string, private readonly headerPairs: HeaderList) {}

  /** The upgrade request's headers (this socket's own `Headers`; changing it changes no other socket's). */
  get headers(): Headers {
    return this.#headers ??= new Headers(this.headerPairs as Array<[string, string]>);
  }

  /** The socket's view of its upgrade request: this object (URL and headers). */
  get request(): SocketRequest {
    return this;
  }

  /** As a plain request (the socket and app key are not part of it, and the socket refers back here). */
  toJSON(): { url: string; headers: Headers } {
    return { url: this.url, headers: this.headers };
  }
}
