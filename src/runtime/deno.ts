/**
 * The Deno runtime: Deno.serve and Deno.upgradeWebSocket. Deno has no native topics, so
 * publish walks a topic's set; its sends never fail and buffer without limit, so the
 * outbound buffer is enforced here by watching bufferedAmount: past it sends are dropped.
 *
 * What one event-loop turn sends is not yet a slow client's doing: Deno writes a send only
 * once the turn ends, so bufferedAmount counts the whole turn, while Bun hands each send to
 * the kernel at once. A client that reads was closed as a slow consumer after one 1.6 MB
 * burst (6,000 publications in one broker batch, as a hung Redis releases them on
 * SIGCONT), where Bun delivered 16 MB bursts whole. So a send is dropped when what earlier
 * turns left is past the limit (the client is not reading), or when this turn alone has
 * queued more than `burstTurns` × the limit for the socket (memory stays bounded).
 *
 * @example
 * const runtime = denoRuntime;
 */
import type { Runtime, ServeHandle, ServeOptions, WsConnection } from "./runtime.ts";
import { listenError } from "./PortInUseError.ts";
import { availableCpus } from "./availableCpus.ts";
import type { DenoApi } from "./DenoApi.ts";

declare const Deno: DenoApi;

/** The outbound buffer when the caller sets none (scx always does: \`limits.outboundBuffer\`). */
const defaultOutboundBuffer = 16 * 1024 * 1024;
/** Connections a send was dropped for since the sweep last asked (a set: no field on every connection). */
const droppedSends = new WeakSet<object>();
/** One turn may queue this many times the outbound buffer for a socket before sends drop. */
const burstTurns = 4;

/**
 * The event-loop turn, advanced by a timer the first send of a turn schedules: the timer
 * runs after the loop has polled the turn's writes. One timer a turn, none while idle.
 */
let turn = 0;
let turnTimer = false;
function currentTurn(): number {
  if (!turnTimer) {
    turnTimer = true;
    setTimeout(() => { turn++; turnTimer = false; }, 0);
  }
  return turn;
}

export const denoRuntime: Runtime = {
  name: "deno",
  serve<T>(options: ServeOptions<T>): Promise<ServeHandle> {
    const topics = new Map<string, Set<WsConnection<T>>>();
    const outboundBuffer = options.outboundBuffer ?? defaultOutboundBuffer;
    const sockets = new Set<WebSocket>();
    // Deno's shutdown() closes open WebSockets itself: stop(false) first refuses new
    // requests (503), waits for the owner to close the open sockets, then shuts down.
    let stopping = false;
    let lastClosed: (() => void) | null = null;
    return new Promise<ServeHandle>((resolve) => {
      const server = Deno.serve({
        hostname: options.hostname,
        port: options.port,
        reusePort: options.reusePort,
        cert: options.tls?.cert,
        key: options.tls?.key,
        onListen: () => {},
      }, (request: Request, info: { remoteAddr: { hostname: string } }) =>
        stopping ? new Response("Server is shutting down", { status: 503 }) : options.fetch(request, {
          upgrade(req: Request, data: T) {
            // Deno's remoteAddr is gone once the request is upgraded: read it first.
            const remoteAddress = info.remoteAddr.hostname;
            const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout: 0 });
            socket.binaryType = "arraybuffer";
            const joined = new Set<string>();
            // Bytes this socket was sent in turn `sentTurn`.
            let sentTurn = -1;
            let sentBytes = 0;
            const conn: WsConnection<T> = {
              data,
              send(frame) {
                if (socket.readyState !== 1) return 0;
                const now = currentTurn();
                if (now !== sentTurn) {
                  sentTurn = now;
                  sentBytes = 0;
                }
                const buffered = socket.bufferedAmount;
                // As uWebSockets does: over the limit, the frame is dropped (the worker decides on closing).
                if (buffered - sentBytes > outboundBuffer || sentBytes > burstTurns * outboundBuffer) {
                  droppedSends.add(conn);
                  return buffered;
                }
                socket.send(frame);
                const after = socket.bufferedAmount;
                sentBytes += after - buffered;
                return after;
              },
              close(code, reason) {
                if (socket.readyState <= 1) socket.close(code, reason);
              },
              terminate(code, reason = "") {
                if (socket.readyState <= 1) socket.close(code, reason);
              },
              takeDropped: () => droppedSends.delete(conn),
              subscribe(topic) {
                joined.add(topic);
                let set = topics.get(topic);
                if (!set) topics.set(topic, set = new Set());
                set.add(conn);
              },
              unsubscribe(topic) {
                joined.delete(topic);
                const set = topics.get(topic);
                if (set?.delete(conn) && set.size === 0) topics.delete(topic);
              },
              publish(topic, text) {
                // Bun's ws.publish, emulated: everyone in the topic but this connection.
                const set = topics.get(topic);
                if (set) for (const other of set) if (other !== conn) other.send(text);
              },
              bufferedAmount: () => socket.bufferedAmount,
              remoteAddress,
            };
            socket.onopen = () => { sockets.add(socket); options.websocket.open(conn); };
            socket.onmessage = (event: MessageEvent) => {
              const frame = typeof event.data === "string" ? event.data : new Uint8Array(event.data);
              if ((typeof frame === "string" ? frame.length : frame.byteLength) > options.maxPayload) return socket.close(1009, "");
              options.websocket.message(conn, frame);
            };
            socket.onclose = (event: CloseEvent) => {
              sockets.delete(socket);
              for (const topic of joined) conn.unsubscribe(topic);
              options.websocket.close(conn, event.code, event.reason);
              if (sockets.size === 0) lastClosed?.();
            };
            socket.onerror = () => {};
            return response;
          },
        }),
      );
      resolve({
        port: server.addr.port,
        publish(topic, frame) {
          const set = topics.get(topic);
          if (set) for (const conn of set) conn.send(frame);
        },
        async stop(closeActive = false) {
          stopping = true;
          if (closeActive) for (const socket of sockets) socket.close(1001, "");
          else if (sockets.size > 0) await new Promise<void>((resolve) => (lastClosed = resolve));
          await server.shutdown();
        },
      });
    }).catch((error) => { throw listenError(error, options.hostname, options.port); });
  },
  readTextFile: (path) => Deno.readTextFile(path),
  async bundleBrowserModule(entryPath) {
    const command = new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform", "browser", "--minify", entryPath],
      stdout: "piped", stderr: "piped",
    });
    const output = await command.output();
    if (!output.success) throw new Error(`Bundling "${entryPath}" failed: ${new TextDecoder().decode(output.stderr)}`);
    return new TextDecoder().decode(output.stdout);
  },
  async fileExists(path) {
    try {
      return (await Deno.stat(path)).isFile;
    } catch {
      return false;
    }
  },
  async fileResponse(path) {
    try {
      const file = await Deno.open(path);
      if (!(await file.stat()).isFile) {
        file.close();
        return undefined;
      }
      return new Response(file.readable);
    } catch {
      return undefined;
    }
  },
  env: (name) => Deno.env.get(name),
  allEnv: () => Deno.env.toObject(),
  cpuCount: () => availableCpus(),
  reusePortSpreads: () => Deno.build.os === "linux",
  // The structured clone: on Deno it is the faster path. (A Deno host that "stopped receiving"
  // after a hung Redis came back, once blamed on JSON batches, was the burst close above:
  // its subscriber had been closed as a slow consumer, with the clone too.)
  jsonPortBatches: () => false,
  onSignal(signal, handler) { Deno.addSignalListener(signal, handler); },
  exit: (code) => Deno.exit(code) as never,
  isTerminal: () => Deno.stdout.isTerminal(),
  writeStdout: (text) => { Deno.stdout.writeSync(new TextEncoder().encode(text)); },
  writeStderr: (text) => { Deno.stderr.writeSync(new TextEncoder().encode(text)); },
  args: () => [...Deno.args],
  cwd: () => Deno.cwd(),
  threadEntry: (name) => new URL(`../../${name}.ts`, import.meta.url).href,
};
