/**
 * A raw WebSocket for protocol tests: every frame the server sends is queued, so a test
 * can await the next one; `closed` resolves with the close code and reason.
 */
export interface RawSocket {
  ws: WebSocket;
  next(timeoutMs?: number): Promise<string>;
  /** Next frame parsed as JSON, skipping pings ('' and '#1'). */
  nextPacket(timeoutMs?: number): Promise<any>;
  send(value: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
}

export function rawSocket(url: string, options: { headers?: Record<string, string> } = {}): RawSocket {
  const ws = new WebSocket(url, options as any);
  const frames: string[] = [];
  const waiters: Array<(text: string) => void> = [];
  ws.onmessage = (event) => {
    const text = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data);
    const waiter = waiters.shift();
    if (waiter) waiter(text);
    else frames.push(text);
  };
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.onclose = (event) => resolve({ code: event.code, reason: event.reason });
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("WebSocket failed to open"));
  });
  const next = (timeoutMs = 3000) => {
    if (frames.length) return Promise.resolve(frames.shift()!);
    return new Promise<string>((resolve, reject) => {
      const waiter = (text: string) => { clearTimeout(timer); resolve(text); };
      const timer = setTimeout(() => {
        // A timed-out waiter must not swallow the next frame.
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`No frame within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  };
  return {
    ws, next, closed, opened,
    async nextPacket(timeoutMs) {
      for (;;) {
        const text = await next(timeoutMs);
        if (text !== "" && text !== "#1") return JSON.parse(text);
      }
    },
    send(value) {
      ws.send(typeof value === "string" ? value : JSON.stringify(value));
    },
  };
}

/** Open a raw socket and complete the handshake; resolves with the handshake data. */
export async function handshaken(url: string, cid = 1): Promise<RawSocket & { id: string }> {
  const socket = rawSocket(url);
  await socket.opened;
  socket.send({ event: "#handshake", data: { authToken: null }, cid });
  const response = await socket.nextPacket();
  return Object.assign(socket, { id: response.data.id as string });
}

let requestCid = 1000;
/**
 * Invoke `event` on a raw socket and wait for its reply (other packets are skipped); a reply
 * with an error rejects with that error's JSON.
 *
 * @example
 * await request(socket, "#subscribe", { channel: "room" });
 */
export async function request(socket: RawSocket, event: string, data: unknown): Promise<any> {
  const cid = ++requestCid;
  socket.send({ event, data, cid });
  for (;;) {
    const packet = await socket.nextPacket(10_000);
    if (packet.rid !== cid) continue;
    if (packet.error) throw new Error(JSON.stringify(packet.error));
    return packet.data;
  }
}

/** Send a raw HTTP upgrade request and return the status line's code (for 400/401/403). */
export async function upgradeStatus(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      const lines = [
        `GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(lines.join("\r\n") + "\r\n\r\n");
    });
    socket.once("data", (chunk: Buffer) => {
      resolve(Number(chunk.toString().split(" ")[1]));
      socket.destroy();
    });
    socket.once("error", reject);
  });
}
