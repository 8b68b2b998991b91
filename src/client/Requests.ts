/**
 * The client's outbound side: one cid counter for the life of the socket (never reset on
 * reconnect, as socketcluster-client does), the invokes waiting for a response, and the
 * queue of transmits and invokes made while not connected, sent in order by `flush()`.
 * Every invoke times out after its ackTimeout, queued or sent; a dropped connection
 * rejects the sent ones with BadConnectionError and keeps the queued ones.
 *
 * @example
 * const requests = new Requests(link);
 * const reply = await requests.invoke("echo", "hi", 10000);
 */
import type { Codec, Frame } from "../protocol/codec.ts";
import { hydrateError } from "../protocol/dehydrate.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import type { EventPacket, ResponsePacket } from "../protocol/packets.ts";

/** What the requests need from their socket. */
export interface RequestLink {
  /** Whether the handshake is done, so packets go straight out. */
  isOpen(): boolean;
  /** The wire codec (JSON unless the `codec` option says otherwise). */
  readonly codec: Codec;
  /** Write one frame on the current connection. */
  write(frame: Frame): void;
  /** Something was queued while closed: connect, unless a retry is already timed. */
  wake(): void;
  emit(name: string, value: unknown): void;
}

interface Pending { event: string; resolve(data: unknown): void; reject(error: unknown): void; timer?: ReturnType<typeof setTimeout>; cid?: number }
interface Outbound { event: string; data?: unknown; pending?: Pending }

export class Requests {
  #cid = 0;
  readonly #inFlight = new Map<number, Pending>();
  readonly #queue: Outbound[] = [];

  constructor(private readonly link: RequestLink) {}

  transmit(event: string, data?: unknown): void {
    this.#dispatch({ event, data });
  }

  /** Send now if open, else queue; rejects with TimeoutError after `ackTimeout` either way. */
  invoke(event: string, data: unknown, ackTimeout: number): Promise<unknown> {
    return this.#expect(event, data, ackTimeout, (outbound) => this.#dispatch(outbound));
  }

  /** Send now, ahead of the queue (the handshake, #subscribe); no timeout when `ackTimeout` is null. */
  request(event: string, data: unknown, ackTimeout: number | null = null): Promise<unknown> {
    return this.#expect(event, data, ackTimeout, (outbound) => this.#send(outbound));
  }

  /**
   * Send now, ahead of the queue, without a timeout, and call `done` synchronously while
   * the reply is handled (#subscribe: so a publication behind the reply in the same batch
   * already sees what the reply set up), or with the BadConnectionError when the connection drops.
   */
  call(event: string, data: unknown, done: (error: Error | null, reply?: unknown) => void): void {
    this.#send({ event, data, pending: { event, resolve: (reply) => done(null, reply), reject: (error) => done(error as Error) } });
  }

  /** Send everything queued, in order. */
  flush(): void {
    for (const outbound of this.#queue.splice(0)) this.#send(outbound);
  }

  /** A response from the server: settle the invoke it answers (unknown rids are ignored). */
  settle(packet: ResponsePacket): void {
    const pending = this.#inFlight.get(packet.rid);
    if (!pending) return;
    this.#inFlight.delete(packet.rid);
    clearTimeout(pending.timer);
    const error = hydrateError(packet.error);
    if (error) pending.reject(error);
    else pending.resolve(packet.data);
  }

  /** The connection dropped: reject every sent invoke; the queued ones wait for the next connection. */
  abort(type: "disconnect" | "connectAbort", code: number, reason: string): void {
    const pending = [...this.#inFlight.values()];
    this.#inFlight.clear();
    for (const entry of pending) {
      clearTimeout(entry.timer);
      entry.reject(namedError(ErrorName.BadConnection, `Event "${entry.event}" was aborted due to a bad connection`, { type, code, reason }));
    }
  }

  #expect(event: string, data: unknown, ackTimeout: number | null, go: (outbound: Outbound) => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { event, resolve, reject };
      const outbound: Outbound = { event, data, pending };
      if (ackTimeout !== null) {
        pending.timer = setTimeout(() => {
          const queued = this.#queue.indexOf(outbound);
          if (queued !== -1) this.#queue.splice(queued, 1);
          if (pending.cid !== undefined) this.#inFlight.delete(pending.cid);
          reject(namedError(ErrorName.Timeout, `Event response for ${event} event timed out`));
        }, ackTimeout);
      }
      go(outbound);
    });
  }

  #dispatch(outbound: Outbound): void {
    if (this.link.isOpen()) return this.#send(outbound);
    this.#queue.push(outbound);
    this.link.wake();
  }

  #send({ event, data, pending }: Outbound): void {
    const packet: EventPacket = data === undefined ? { event } : { event, data };
    if (pending) packet.cid = ++this.#cid;
    let text: Frame;
    try {
      text = this.link.codec.encode(packet);
    } catch (error) {
      // Circular data: fail this one packet, not the connection.
      if (!pending) return this.link.emit("error", { error });
      clearTimeout(pending.timer);
      return pending.reject(error);
    }
    if (pending) this.#inFlight.set(pending.cid = packet.cid!, pending);
    this.link.write(text);
  }
}
