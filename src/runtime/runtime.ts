/**
 * The runtime seam: everything scx needs from Bun or Deno, and nothing more. Only this
 * folder names `Bun` or `Deno`; each runtime maps its native calls onto this shape.
 *
 * @example
 * const handle = await runtime.serve({ hostname: "127.0.0.1", port: 0, fetch, websocket });
 * console.log(handle.port);
 */

/** One server-side WebSocket connection, as the runtime gives it. */
export interface WsConnection<T = unknown> {
  /** Per-connection state set at upgrade time. */
  readonly data: T;
  /** Queue a frame (text, or bytes as a binary frame); returns the bytes still buffered after it (0 when flushed). */
  send(frame: string | Uint8Array): number;
  close(code?: number, reason?: string): void;
  /**
   * Give up on the connection: Bun drops it at once with whatever is still buffered (the
   * code is lost); Deno cannot abort a server WebSocket, so it closes with the code and
   * reason, whose frame follows what is buffered.
   */
  terminate(code: number, reason?: string): void;
  /** Whether a send to this connection was dropped (over `outboundBuffer`) since the last call; clears it. */
  takeDropped(): boolean;
  /** Join and leave a native topic of this server instance (local fan-out). */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Send one text frame to every OTHER connection subscribed to the topic (this one is skipped). */
  publish(topic: string, text: string): void;
  /** Bytes queued but not yet written to the kernel. */
  bufferedAmount(): number;
  readonly remoteAddress: string;
}

export interface WebSocketHandlers<T> {
  open(ws: WsConnection<T>): void;
  /** One inbound frame: a string for a text frame, bytes for a binary one. */
  message(ws: WsConnection<T>, frame: string | Uint8Array): void;
  /** A frame over maxPayload was refused; the runtime closes with 1009 itself. */
  close(ws: WsConnection<T>, code: number, reason: string): void;
}

export interface ServeContext<T> {
  /** Upgrade the request to a WebSocket with this per-connection state; undefined when it failed. */
  upgrade(request: Request, data: T): Response | undefined;
}

export interface ServeOptions<T> {
  hostname: string;
  port: number;
  reusePort: boolean;
  maxPayload: number;
  /**
   * Bytes buffered for a connection past which further sends to it (direct or through a
   * topic) are dropped, so a client that stops reading costs at most about this much.
   * Closing such a connection is the owner's decision (src/worker/slowConsumers.ts).
   * Unset: 16 MiB.
   */
  outboundBuffer?: number;
  tls?: { cert: string; key: string };
  fetch(request: Request, context: ServeContext<T>): Response | undefined | Promise<Response | undefined>;
  websocket: WebSocketHandlers<T>;
}

export interface ServeHandle {
  readonly port: number;
  /** Send one frame (text or binary) to every connection subscribed to the topic, in native code where possible. */
  publish(topic: string, frame: string | Uint8Array): void;
  /** Stop listening; `closeActive` also drops open connections at once. */
  stop(closeActive?: boolean): Promise<void>;
}

export interface Runtime {
  readonly name: "bun" | "deno";
  serve<T>(options: ServeOptions<T>): Promise<ServeHandle>;
  readTextFile(path: string): Promise<string>;
  /** Bundle a TypeScript entry into one browser ES module (the client at /scx-client.js); in a compiled binary, the embedded asset `assetName`. */
  bundleBrowserModule(entryPath: string, assetName?: string): Promise<string>;
  fileExists(path: string): Promise<boolean>;
  /** Serve a file from disk as an HTTP response, or undefined when missing. */
  fileResponse(path: string): Promise<Response | undefined>;
  env(name: string): string | undefined;
  allEnv(): Record<string, string>;
  /** CPUs this process may use: the cgroup quota (a container's CPU limit), else the CPUs it may run on. */
  cpuCount(): number;
  /** Whether the OS spreads one port over several listeners (Linux). */
  reusePortSpreads(): boolean;
  /**
   * Whether worker↔broker batches cross threads as one JSON string (src/threads/portLink.ts)
   * rather than by structured clone: on Bun the string costs both threads less.
   */
  jsonPortBatches(): boolean;
  onSignal(signal: "SIGTERM" | "SIGINT", handler: () => void): void;
  exit(code: number): never;
  isTerminal(): boolean;
  writeStdout(text: string): void;
  writeStderr(text: string): void;
  args(): string[];
  /** The specifier to start a thread entry (`worker.ts`, `broker.ts`) from, here or in a compiled binary. */
  threadEntry(name: "worker" | "broker"): string;
  cwd(): string;
}
