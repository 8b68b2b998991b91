/**
 * A raw TCP WebSocket client that can stop reading: it completes the HTTP upgrade and the
 * SocketCluster handshake, subscribes, then `stall()` stops reading its socket (the kernel
 * buffers fill, then the server's). `resume()` reads again; `closed` resolves with the
 * close frame's code, or 1006 when the connection ended without one.
 */
import { connect, type Socket } from "node:net";

export interface StalledClient {
  socket: Socket;
  /** Send one SocketCluster packet (masked text frame). */
  send(value: unknown): void;
  /** The next packet (skipping pings), while reading. */
  nextPacket(timeoutMs?: number): Promise<any>;
  stall(): void;
  resume(): void;
  /** Bytes of frames received so far. */
  received(): number;
  closed: Promise<{ code: number; reason: string; at: number }>;
}

function maskedFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length])
    : length < 65536 ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 255])
    : (() => { const b = Buffer.alloc(10); b[0] = 0x81; b[1] = 0x80 | 127; b.writeBigUInt64BE(BigInt(length), 2); return b; })();
  const mask = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([header, mask, body]);
}

export function stalledClient(port: number, path = "/socketcluster/"): Promise<StalledClient> {
  return new Promise((resolveClient, reject) => {
    const socket = connect(port, "127.0.0.1");
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    let bytes = 0;
    const packets: any[] = [];
    const waiters: Array<(packet: any) => void> = [];
    let closeCode: ((value: { code: number; reason: string; at: number }) => void) | null = null;
    const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) => (closeCode = resolve));
    const client: StalledClient = {
      socket,
      send: (value) => socket.write(maskedFrame(typeof value === "string" ? value : JSON.stringify(value))),
      nextPacket(timeoutMs = 5000) {
        if (packets.length) return Promise.resolve(packets.shift());
        return new Promise((resolve, rejectNext) => {
          const timer = setTimeout(() => rejectNext(new Error(`No packet within ${timeoutMs} ms`)), timeoutMs);
          waiters.push((packet) => { clearTimeout(timer); resolve(packet); });
        });
      },
      stall: () => socket.pause(),
      resume: () => socket.resume(),
      received: () => bytes,
      closed,
    };
    const frames = () => {
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = buffer[0]! & 15;
        let length = buffer[1]! & 127;
        let offset = 2;
        if (length === 126) { if (buffer.length < 4) return; length = buffer.readUInt16BE(2); offset = 4; }
        else if (length === 127) { if (buffer.length < 10) return; length = Number(buffer.readBigUInt64BE(2)); offset = 10; }
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        bytes += length;
        if (opcode === 8) {
          closeCode?.({ code: length >= 2 ? payload.readUInt16BE(0) : 1005, reason: length > 2 ? payload.subarray(2).toString() : "", at: Date.now() });
          closeCode = null;
          socket.destroy();
          return;
        }
        if (opcode !== 1) continue;
        const text = payload.toString();
        if (text === "" || text === "#1") continue;
        // Publications are only counted; replies go to waiters.
        if (text.startsWith('{"event":"#publish"')) continue;
        const packet = JSON.parse(text);
        const waiter = waiters.shift();
        if (waiter) waiter(packet);
        else packets.push(packet);
      }
    };
    socket.on("connect", () => {
      socket.write([`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13", "", ""].join("\r\n"));
    });
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        if (!buffer.subarray(0, 12).toString().includes("101")) return reject(new Error(buffer.toString()));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolveClient(client);
      }
      frames();
    });
    socket.on("close", () => { closeCode?.({ code: 1006, reason: "", at: Date.now() }); closeCode = null; });
    socket.on("error", (error) => { if (!upgraded) reject(error); });
  });
}

/** Connect, handshake and subscribe to `channel`; the client is still reading. */
export async function subscribedStalledClient(port: number, channel: string): Promise<StalledClient> {
  const client = await stalledClient(port);
  client.send({ event: "#handshake", data: { authToken: null }, cid: 1 });
  await client.nextPacket();
  client.send({ event: "#subscribe", data: { channel }, cid: 2 });
  const ack = await client.nextPacket();
  if (ack.rid !== 2 || ack.error) throw new Error(`Subscribe failed: ${JSON.stringify(ack)}`);
  return client;
}
