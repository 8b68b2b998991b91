/**
 * The Bun runtime: Bun.serve with native topics and uWebSockets' backpressure.
 *
 * @example
 * const runtime = bunRuntime;
 */
import type { Runtime, ServeHandle, ServeOptions, WsConnection } from "./runtime.ts";
import { listenError } from "./PortInUseError.ts";
import { availableCpus } from "./availableCpus.ts";
import { fstatSync, writeSync } from "node:fs";

declare const Bun: any;
declare const process: any;

/** The outbound buffer when the caller sets none (scx always does: \`limits.outboundBuffer\`). */
const defaultOutboundBuffer = 16 * 1024 * 1024;

/** Where a connection's data object keeps its BunConnection (the data is always an object: ConnectionData). */
const connOf = Symbol("scx.connection");

type BunWs = {
  /** The caller's data object itself, with its BunConnection under `connOf` (no wrapper object per connection). */
  data: { [connOf]?: WsConnection<unknown> };
  send(frame: string | Uint8Array): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  publish(topic: string, text: string): number;
  getBufferedAmount(): number;
  remoteAddress: string;
};

/** Connections a send was dropped for since the sweep last asked (a set: no field on every connection). */
const droppedSends = new WeakSet<object>();

/** One object per connection with its methods on the prototype: closures would cost ~1 KB each. */
class BunConnection implements WsConnection<unknown> {
  /** The caller's data, read once: `ws.data` is a native getter, and every frame asks for it. */
  readonly data: unknown;
  constructor(private readonly ws: BunWs) {
    this.data = ws.data;
  }
  send(frame: string | Uint8Array): number {
    const result = this.ws.send(frame);
    // 0 is also the byte count of an empty frame (a v2 ping), which is not a drop.
    if (result === 0 && frame.length > 0) droppedSends.add(this);
    // Bun returns -1 when the frame was queued under backpressure, 0 when dropped.
    return result > 0 ? 0 : this.ws.getBufferedAmount();
  }
  close(code?: number, reason?: string) { this.ws.close(code, reason); }
  terminate(_code: number, _reason?: string) { this.ws.terminate(); }
  takeDropped() { return droppedSends.delete(this); }
  subscribe(topic: string) { this.ws.subscribe(topic); }
  unsubscribe(topic: string) { this.ws.unsubscribe(topic); }
  /** Bun's ws.publish skips the publishing connection itself. */
  publish(topic: string, text: string) { this.ws.publish(topic, text); }
  bufferedAmount() { return this.ws.getBufferedAmount(); }
  get remoteAddress() { return this.ws.remoteAddress; }
}

/**
 * Whether a descriptor is a terminal, without node:tty (its import loads node:net, about
 * 12 ms of start-up in a binary): on Linux a character device with a terminal's major
 * number (4 ttys, 5 /dev/tty and the console, 136–143 pseudo-terminals).
 */
function isTerminal(fd: number): boolean {
  if (process.platform !== "linux") return Boolean((fd === 1 ? process.stdout : process.stderr)?.isTTY);
  try {
    const info = fstatSync(fd);
    const major = Math.floor(info.rdev / 256) & 0xfff;
    return info.isCharacterDevice() && (major === 4 || major === 5 || (major >= 136 && major <= 143));
  } catch {
    return false;
  }
}

/** Descriptors that would block (a non-blocking pipe): written through the stream from then on, in order. */
const streamed = new Set<number>();

/**
 * Write straight to the descriptor: process.stdout is a node stream whose first use loads
 * node:stream (about 10 ms of start-up in a binary).
 */
function writeOut(fd: 1 | 2, text: string): void {
  const stream = () => fd === 1 ? process.stdout : process.stderr;
  if (streamed.has(fd)) return void stream().write(text);
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
  } catch {
    streamed.add(fd);
    stream().write(bytes.subarray(offset));
  }
}

function wrap(ws: BunWs): WsConnection<unknown> {
  return ws.data[connOf] ??= new BunConnection(ws);
}

/** Bun.serve with scx's WebSocket settings; throws when the address cannot be bound. */
function bunServe<T>(options: ServeOptions<T>): ServeHandle {
  const server = Bun.serve({
    hostname: options.hostname,
    port: options.port,
    reusePort: options.reusePort,
    tls: options.tls,
    fetch(request: Request, srv: any) {
      return options.fetch(request, {
        upgrade(req: Request, data: T) {
          return srv.upgrade(req, { data }) ? undefined : new Response("Upgrade failed", { status: 400 });
        },
      });
    },
    websocket: {
      maxPayloadLength: options.maxPayload,
      // Never compress: Bun's dedicated deflate costs ~219 KB per socket.
      perMessageDeflate: false,
      // scx sends its own pings (the SocketCluster protocol's, not RFC 6455 ones).
      sendPings: false,
      idleTimeout: 0,
      // Past the limit uWebSockets drops sends (direct and topic) to that socket, close frames
      // included: the worker closes slow consumers only once their buffer has drained.
      backpressureLimit: options.outboundBuffer ?? defaultOutboundBuffer,
      closeOnBackpressureLimit: false,
      open(ws: BunWs) { options.websocket.open(wrap(ws) as WsConnection<T>); },
      message(ws: BunWs, message: string | Uint8Array) {
        options.websocket.message(wrap(ws) as WsConnection<T>, message);
      },
      close(ws: BunWs, code: number, reason: string) {
        options.websocket.close(wrap(ws) as WsConnection<T>, code, reason);
      },
    },
  });
  return {
    port: server.port,
    publish(topic: string, frame: string | Uint8Array) { server.publish(topic, frame); },
    async stop(closeActive = false) { await server.stop(closeActive); },
  };
}

export const bunRuntime: Runtime = {
  name: "bun",
  serve<T>(options: ServeOptions<T>): Promise<ServeHandle> {
    try {
      return Promise.resolve(bunServe(options));
    } catch (error) {
      return Promise.reject(listenError(error, options.hostname, options.port));
    }
  },
  readTextFile: (path) => Bun.file(path).text(),
  async bundleBrowserModule(entryPath, assetName = "scx-client.js") {
    // A compiled binary has no sources to bundle: `npm run build` embeds each bundle as an asset.
    if (Bun.isStandaloneExecutable) return await Bun.file(`${import.meta.dir}/${assetName}`).text();
    const result = await Bun.build({ entrypoints: [entryPath], target: "browser", format: "esm", minify: true });
    if (!result.success) throw new Error(`Bundling "${entryPath}" failed: ${result.logs.join("; ")}`);
    return await result.outputs[0].text();
  },
  fileExists: (path) => Bun.file(path).exists(),
  async fileResponse(path) {
    const file = Bun.file(path);
    return (await file.exists()) ? new Response(file) : undefined;
  },
  env: (name) => process.env[name],
  allEnv: () => ({ ...process.env }),
  cpuCount: () => availableCpus(),
  reusePortSpreads: () => process.platform === "linux",
  jsonPortBatches: () => true,
  onSignal(signal, handler) { process.on(signal, handler); },
  exit: (code) => process.exit(code) as never,
  isTerminal: () => isTerminal(1),
  writeStdout: (text) => writeOut(1, text),
  writeStderr: (text) => writeOut(2, text),
  args: () => process.argv.slice(2),
  cwd: () => process.cwd(),
  // A compiled binary finds its bundled entries by the path they were given at build time.
  threadEntry: (name) => Bun.isStandaloneExecutable ? `./${name}.ts` : new URL(`../../${name}.ts`, import.meta.url).href,
};
