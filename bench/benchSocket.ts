/**
 * The load generators' SocketCluster socket: a raw WebSocket that answers pings, sends
 * the #handshake and resolves once it is answered, and matches replies to invokes by
 * cid. Publications and events go to `onFrame` before anything is decoded, so a load
 * generator counting frames costs the same whatever the server sends. JSON unless a
 * codec is given (bench/codecLoad.ts).
 *
 * @example
 * const socket = await openBenchSocket(port, { onFrame: (frame) => frame.startsWith('{"event":"#publish"') && count() });
 * await socket.invoke("#subscribe", { channel: "fan" });
 */
import type { Codec } from "../src/protocol/codec.ts";

export interface BenchSocket {
  ws: WebSocket;
  invoke(event: string, data?: unknown): Promise<any>;
  send(packet: unknown): void;
}

export interface BenchSocketOptions {
  /** Default: JSON text frames. */
  codec?: Codec;
  /** Default: `ws://127.0.0.1:<port>/socketcluster/`. */
  url?: string;
  /** Every frame but a ping, as received (text, or bytes for binary codecs); true when it was handled (not a reply). */
  onFrame?(frame: string | ArrayBuffer): boolean | void;
}

export function openBenchSocket(port: number, options: BenchSocketOptions = {}): Promise<BenchSocket> {
  const encode = options.codec ? (packet: unknown) => options.codec!.encode(packet) : (packet: unknown) => JSON.stringify(packet);
  const decode = options.codec
    ? (frame: string | ArrayBuffer) => options.codec!.decode(typeof frame === "string" ? frame : new Uint8Array(frame))
    : (frame: string | ArrayBuffer) => JSON.parse(frame as string);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.url ?? `ws://127.0.0.1:${port}/socketcluster/`);
    ws.binaryType = "arraybuffer";
    let cid = 0;
    const pending = new Map<number, (reply: any) => void>();
    const socket: BenchSocket = {
      ws,
      send: (packet) => ws.send(encode(packet)),
      invoke: (event, data) => new Promise((done) => {
        const id = ++cid;
        pending.set(id, done);
        ws.send(encode({ event, data, cid: id }));
      }),
    };
    ws.onmessage = (message) => {
      const frame = message.data as string | ArrayBuffer;
      if (frame === "") return ws.send("");
      if (options.onFrame?.(frame) === true) return;
      const packet = decode(frame) as { rid?: unknown } | null;
      if (typeof packet?.rid === "number") {
        pending.get(packet.rid)?.(packet);
        pending.delete(packet.rid);
      }
    };
    ws.onerror = () => reject(new Error("connect failed"));
    ws.onopen = async () => {
      await socket.invoke("#handshake", { authToken: null });
      resolve(socket);
    };
  });
}

/** `count` of something made `batch` at a time (sockets: a burst of 10,000 connects at once overruns the accept queue). */
export async function inBatches<T>(count: number, make: (i: number) => Promise<T>, batch = 250): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) out.push(...await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => make(i + j))));
  return out;
}
