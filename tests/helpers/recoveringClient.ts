/**
 * A raw-protocol client for recovery tests: subscribes to one history channel, records
 * every offset it receives (across reconnects), and reconnects with `since` set to the
 * last offset and epoch it saw, checking the reply's `recovered` flag.
 */
export class RecoveringClient {
  readonly offsets: number[] = [];
  readonly recovered: boolean[] = [];
  epoch = "";
  #ws: WebSocket | null = null;
  #waiters: Array<() => void> = [];

  constructor(private readonly url: string, private readonly channel: string) {}

  get last(): number {
    return this.offsets.at(-1) ?? 0;
  }

  /** Connect, handshake and subscribe (with since after the first time); resolves on the subscribe reply. */
  connect(): Promise<void> {
    const ws = new WebSocket(this.url);
    this.#ws = ws;
    const since = this.epoch ? { offset: this.last, epoch: this.epoch } : undefined;
    return new Promise((resolve, reject) => {
      ws.onerror = () => reject(new Error("socket error"));
      ws.onopen = () => ws.send(JSON.stringify({ event: "#handshake", data: { authToken: null }, cid: 1 }));
      ws.onmessage = (event) => {
        const text = String(event.data);
        if (text === "" || text === "#1") return;
        const packet = JSON.parse(text);
        if (packet.rid === 1) {
          ws.send(JSON.stringify({ event: "#subscribe", data: since ? { channel: this.channel, since } : { channel: this.channel }, cid: 2 }));
        } else if (packet.rid === 2) {
          if (packet.error) return reject(new Error(packet.error.message));
          if (since) this.recovered.push(packet.data.recovered);
          this.epoch = packet.data.epoch;
          resolve();
        } else if (packet.event === "#publish" && packet.data.channel === this.channel) {
          this.offsets.push(packet.data.offset);
          this.epoch = packet.data.epoch;
          for (const waiter of this.#waiters.splice(0)) waiter();
        }
      };
    });
  }

  /** Drop the connection (the server sees a close) and wait until it is closed here. */
  disconnect(): Promise<void> {
    const ws = this.#ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.onclose = () => resolve();
      ws.onmessage = null;
      ws.close();
    });
  }

  /** Resolves once the client has received offset `n`. */
  async reached(n: number, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.last < n) {
      if (Date.now() > until) throw new Error(`Client stuck at offset ${this.last}, expected ${n}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Offsets that break 1, 2, 3, … (gaps or duplicates), for a readable failure. */
  breaks(): string[] {
    const found: string[] = [];
    this.offsets.forEach((offset, i) => {
      if (offset !== i + 1) found.push(`#${i}: ${offset}`);
    });
    return found.slice(0, 5);
  }
}
