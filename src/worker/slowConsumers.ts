/**
 * Slow consumers: sockets whose outbound buffer passed `limits.outboundBuffer`. The
 * runtime already drops what would go past it (so memory stays bounded and the fan-out
 * never waits); this sweep, a few times a second, decides what happens to the socket.
 *
 * - `disconnect`: the socket leaves its channels at once (nothing more piles up), then is
 *   closed with 4011 and the reason "Slow consumer" as soon as its buffer has drained, so the close frame reaches a
 *   client that resumes reading: Bun drops a close frame sent while the buffer is over its
 *   limit, and gives a closing socket only 0–4 s to flush before cutting it. A client that
 *   has not drained within `closeWaitMs` is cut (terminate).
 * - `drop`: the socket stays subscribed and loses publications until it drains below half
 *   the limit; counted once per episode (native topic fan-out cannot count each one).
 *
 * A socket must be over the limit on two sweeps in a row, so one large reply to a client
 * that is reading does not count; but a socket the runtime already dropped a send for
 * counts at once (with native topics, Bun cannot say which socket a publish dropped for:
 * those are seen by the buffer alone).
 *
 * @example
 * const slow = new SlowConsumers(worker);
 * slow.start(); // on attach
 * slow.stop(); // on detach
 */
import { CloseCode, closeReason } from "../protocol/closeCodes.ts";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import { limitCounters } from "./limitCounters.ts";

/** What the sweep needs of a worker. */
export interface SlowConsumerHost {
  readonly config: Pick<Config, "limits">;
  readonly log: Logger;
  readonly clients: ReadonlyMap<string, ServerSocket>;
  unsubscribeSocket(socket: ServerSocket, channel: string): void;
}

export const sweepIntervalMs = 200;
/** How long a slow consumer being closed may take to drain before it is cut. */
export const closeWaitMs = 10_000;

export class SlowConsumers {
  #timer: ReturnType<typeof setInterval> | null = null;
  /** Over the limit on the last sweep. */
  #over = new Set<ServerSocket>();
  /** Being closed: socket → when to cut it. */
  #closing = new Map<ServerSocket, number>();
  /** Losing publications (drop mode). */
  #dropping = new Set<ServerSocket>();

  constructor(private readonly host: SlowConsumerHost) {}

  start(): void {
    this.#timer ??= setInterval(() => this.sweep(Date.now()), sweepIntervalMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One pass over the sockets (exposed for tests). */
  sweep(now: number): void {
    const { outboundBuffer, slowConsumer } = this.host.config.limits;
    for (const socket of this.#closing.keys()) this.#closingStep(socket, now);
    const over = new Set<ServerSocket>();
    for (const socket of this.host.clients.values()) {
      if (socket.state === "closed" || this.#closing.has(socket)) continue;
      const buffered = socket.connection.bufferedAmount();
      // A send already dropped (a burst past the limit) counts at once, even if it has drained since.
      const dropped = socket.connection.takeDropped();
      if (buffered <= outboundBuffer && !dropped) {
        if (buffered <= outboundBuffer / 2) this.#dropping.delete(socket);
        continue;
      }
      if (buffered > outboundBuffer) over.add(socket);
      if (!dropped && !this.#over.has(socket)) continue;
      if (slowConsumer === "disconnect") this.#close(socket, buffered, now);
      else this.#drop(socket, buffered);
    }
    this.#over = over;
    for (const socket of this.#dropping) if (socket.state === "closed") this.#dropping.delete(socket);
  }

  #close(socket: ServerSocket, buffered: number, now: number): void {
    limitCounters.slowConsumer.disconnect++;
    limitCounters.disconnects.slowConsumer++;
    this.host.log.warn("Socket closed: slow consumer", {
      socket: socket.id, remoteAddress: socket.remoteAddress, buffered, outboundBuffer: this.host.config.limits.outboundBuffer,
    });
    for (const channel of [...socket.channels]) this.host.unsubscribeSocket(socket, channel);
    this.#closing.set(socket, now + closeWaitMs);
    this.#closingStep(socket, now);
  }

  #closingStep(socket: ServerSocket, now: number): void {
    if (socket.state === "closed") {
      this.#closing.delete(socket);
      return;
    }
    if (socket.connection.bufferedAmount() === 0) {
      this.#closing.delete(socket);
      // A reason the client can show (SocketCluster clients put it in their close event).
      socket.disconnect(CloseCode.SlowConsumer, closeReason(CloseCode.SlowConsumer));
    } else if (now >= this.#closing.get(socket)!) {
      this.#closing.delete(socket);
      this.host.log.warn("Slow consumer did not drain: connection cut", { socket: socket.id, remoteAddress: socket.remoteAddress });
      socket.connection.terminate(CloseCode.SlowConsumer, closeReason(CloseCode.SlowConsumer));
    }
  }

  #drop(socket: ServerSocket, buffered: number): void {
    if (this.#dropping.has(socket)) return;
    this.#dropping.add(socket);
    limitCounters.slowConsumer.drop++;
    this.host.log.warn("Slow consumer: dropping its publications until it drains", {
      socket: socket.id, remoteAddress: socket.remoteAddress, buffered,
    });
  }
}
