/**
 * The server side of pub/sub: publish to a channel from server code. Publications skip
 * inbound middleware but pass each subscriber's outbound middleware, as in SocketCluster.
 *
 * @example
 * server.exchange.publish("news", { title: "Hello" });
 */
import type { SocketWorker } from "./SocketWorker.ts";

export class Exchange {
  constructor(private readonly worker: SocketWorker) {}

  /** Publish to every subscriber of the channel, on every worker and host. */
  publish(channel: string, data: unknown): void {
    this.worker.publish(channel, data);
  }

  /** SocketCluster's name for publish. */
  transmitPublish(channel: string, data: unknown): void {
    this.worker.publish(channel, data);
  }

  /** SocketCluster's awaitable publish: resolves once the publication is on its way to its broker. */
  async invokePublish(channel: string, data: unknown): Promise<void> {
    this.worker.publish(channel, data);
  }
}
