/**
 * The fuzz test's sockets: a raw protocol socket that keeps every frame and reply, and
 * official-client bystanders that must receive every publication in order.
 */
import { scClient } from "./scClient.ts";
import { type Frame, Frame, sent, short, text } from "./fuzzFrames.ts";
import { bystanderChannel, within } from "./fuzzValues.ts";
import { decode } from "./fuzzOracle.ts";
import type { Codec } from "../../src/protocol/codec.ts";

// ---------------------------------------------------------------------------------------
// Raw sockets that record every reply by rid

export interface Closed { code: number; reason: string }

export class Wire {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  closedWith: Closed | null = null;
  /** The socket id from the handshake reply. */
  id = "";
  /** rid (as String) → every reply carrying it */
  readonly replies = new Map<string, any[]>();
  readonly frames: string[] = [];
  readonly #waiters = new Map<string, (reply: any) => void>();
  readonly #recent: string[] = [];
  readonly #frameWaiters = new Set<(frame: string) => void>();

  /** `codec`: a binary codec's frames are decoded with it (kept frames as their JSON). */
  constructor(url: string, readonly keepFrames = false, readonly codec: Codec | null = null) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = "arraybuffer";
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error("WebSocket failed to open"));
    });
    this.closed = new Promise((resolve) => {
      this.ws.onclose = (event) => resolve(this.closedWith = { code: event.code, reason: event.reason });
    });
    this.ws.onmessage = (event) => {
      const binary = typeof event.data !== "string" && this.codec !== null;
      const decoded = binary ? this.codec!.decode(new Uint8Array(event.data)) : undefined;
      const frame = binary ? JSON.stringify(decoded) : typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data);
      if (this.keepFrames) {
        this.frames.push(frame);
        for (const waiter of [...this.#frameWaiters]) waiter(frame);
      }
      if (frame === "" || frame === "#1") return;
      const packet = JSON.parse(frame);
      if (packet === null || typeof packet !== "object" || !("rid" in packet)) return;
      const key = String(packet.rid);
      const list = this.replies.get(key);
      if (list) list.push(packet);
      else this.replies.set(key, [packet]);
      this.#waiters.get(key)?.(packet);
    };
  }

  static async open(url: string, keepFrames = false, codec: Codec | null = null): Promise<Wire> {
    const wire = new Wire(url, keepFrames, codec);
    await wire.opened;
    return wire;
  }

  static async handshaken(url: string, keepFrames = false, codec: Codec | null = null): Promise<Wire> {
    const wire = await Wire.open(url, keepFrames, codec);
    const handshake = { event: "#handshake", data: { authToken: null }, cid: 1 };
    wire.send(codec ? { bytes: codec.encode(handshake) as Uint8Array } : { text: JSON.stringify(handshake) });
    wire.id = (await wire.reply(1, 5000)).data.id;
    return wire;
  }

  send(frame: Frame): void {
    if ("text" in frame) this.ws.send(frame.text);
    else this.ws.send(frame.bytes);
    this.#recent.push(short("text" in frame ? frame.text : `<binary ${[...frame.bytes.slice(0, 40)].join(",")}>`));
    if (this.#recent.length > 5) this.#recent.shift();
  }

  /** The reply to `cid` (already here or the next to come); rejects if the socket closes first. */
  reply(cid: number, ms: number): Promise<any> {
    const key = String(cid);
    const have = this.replies.get(key);
    if (have) return Promise.resolve(have[0]);
    const arrived = new Promise<any>((resolve) => this.#waiters.set(key, resolve));
    const closed = this.closed.then((info) => { throw new Error(`Socket closed with ${info.code} before the reply to cid ${cid}; last frames sent: ${this.#recent.join(" | ")}`); });
    return within(Promise.race([arrived, closed]), ms, `the reply to cid ${cid}; last frames sent: ${this.#recent.join(" | ")}`)
      .finally(() => this.#waiters.delete(key));
  }

  /** Resolves once a frame matching `test` has arrived (needs keepFrames). */
  frame(test: (frame: string) => boolean, ms: number): Promise<string> {
    const have = this.frames.find(test);
    if (have !== undefined) return Promise.resolve(have);
    let waiter!: (frame: string) => void;
    const arrived = new Promise<string>((resolve) => {
      waiter = (frame) => { if (test(frame)) resolve(frame); };
      this.#frameWaiters.add(waiter);
    });
    return within(arrived, ms, "a frame").finally(() => this.#frameWaiters.delete(waiter));
  }

  close(): void {
    this.ws.close();
  }
}

/** Send `frame` on a fresh socket (handshaken first or not); resolves with the close code it gets. */
export async function closeCodeFor(url: string, frame: Frame, handshakeFirst: boolean): Promise<number> {
  const wire = handshakeFirst ? await Wire.handshaken(url) : await Wire.open(url);
  wire.send(frame);
  sent.fatal++;
  return (await within(wire.closed, 5000, `the close after ${short("text" in frame ? frame.text : "<binary>")}`)).code;
}

// ---------------------------------------------------------------------------------------
// Bystanders: official clients subscribed to one channel, publishing to each other

export interface Bystander { client: any; received: Array<{ from: number; seq: number }>; waitFor(count: number): Promise<void> }

export async function startBystander(port: number): Promise<Bystander> {
  const client = scClient(port, { ackTimeout: 5000 });
  await within(client.listener("connect").once(), 5000, "a bystander to connect");
  const channel = client.subscribe(bystanderChannel);
  await within(channel.listener("subscribe").once(), 5000, "a bystander to subscribe");
  const received: Array<{ from: number; seq: number }> = [];
  let wanted = Infinity;
  let reached: () => void = () => {};
  (async () => {
    for await (const data of channel) {
      received.push(data);
      if (received.length >= wanted) reached();
    }
  })();
  return {
    client, received,
    waitFor(count) {
      if (received.length >= count) return Promise.resolve();
      wanted = count;
      return new Promise((resolve) => { reached = resolve; });
    },
  };
}

// ---------------------------------------------------------------------------------------
