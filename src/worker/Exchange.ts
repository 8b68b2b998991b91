/**
 * The server side of pub/sub: publish to a channel from server code, read a history
 * channel, and subscribe on the server. Publications skip inbound middleware but pass
 * each subscriber's outbound middleware, as in SocketCluster. Works the same in a worker
 * script, in-process, and from the library with worker threads (the main thread then has
 * its own links to every broker).
 *
 * @example
 * const { offset, epoch } = await server.exchange.publish("chat/1", { text: "hi" });
 * const { publications } = await server.exchange.history("chat/1", { limit: 10 });
 * (await server.exchange.subscribe("chat/1")).watch((data) => console.log(data));
 */
import type { SocketWorker } from "./SocketWorker.ts";
import type { StreamPosition } from "../protocol/publication.ts";
import { ServerChannel, type ServerPublication } from "./ServerChannel.ts";
import { checkPublication } from "./contractsGate.ts";
import type { Member, PresenceStats } from "../protocol/presence.ts";

export interface HistoryPage { publications: Array<{ offset: number; data: unknown }>; offset: number; epoch: string }

export class Exchange {
  constructor(private readonly worker: SocketWorker) {}

  /**
   * Publish to every subscriber of the channel, on every worker and host. Resolves to
   * `{ offset, epoch }` on history channels, `{}` otherwise; rejects when the history
   * store failed (then nobody received it). An ignored rejection is logged, never unhandled.
   * `skip`: a client id (a Pusher socket_id) that does not get it.
   */
  publish(channel: string, data: unknown, options: { skip?: string } = {}): Promise<Partial<StreamPosition>> {
    let result: Promise<Partial<StreamPosition>>;
    try {
      const history = this.worker.channels.namespace(channel)?.history !== undefined;
      // Server-side publishes meet the contract too: a backend bug never reaches clients.
      const checked = checkPublication(this.worker, channel, data);
      if (!checked.ok) throw checked.error;
      const sent = this.worker.publish(channel, checked.data, "auto", options.skip);
      result = !sent ? Promise.resolve({}) : history ? sent : sent.then(() => ({}));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.catch((error) => this.worker.log.warn("exchange.publish failed", { channel, error: String(error) }));
    return result;
  }

  /** SocketCluster's name for publish. */
  transmitPublish(channel: string, data: unknown): void {
    void this.publish(channel, data);
  }

  /** SocketCluster's awaitable publish. */
  async invokePublish(channel: string, data: unknown): Promise<void> {
    await this.publish(channel, data);
  }

  /** A history channel's kept publications: with `since`, the first `limit` after it; without, the latest `limit`. */
  async history(channel: string, options: { since?: StreamPosition; limit?: number } = {}): Promise<HistoryPage> {
    const { publications, position } = await this.worker.history(channel, options);
    return {
      publications: publications.map((pub) => ({ offset: pub.offset!, data: pub.json === undefined ? undefined : JSON.parse(pub.json) })),
      offset: position.offset,
      epoch: position.epoch,
    };
  }

  /**
   * Every member of a presence channel, on every worker and host (no list limit here):
   * `[{ client, user, info }]`. Rejects with InvalidActionError on a channel without presence.
   */
  async presence(channel: string): Promise<Member[]> {
    return (await this.worker.presence.members(channel)) ?? [];
  }

  /** `{ clients, users }` of a presence channel, from counters (cheap at any size). */
  presenceStats(channel: string): Promise<PresenceStats> {
    return this.worker.presence.stats(channel);
  }

  /** Subscribe on the server; resolves once publications from any worker and host reach it. */
  async subscribe(channel: string): Promise<ServerChannel> {
    const serverChannel = new ServerChannel(channel);
    serverChannel.attach(await this.worker.listen(channel, (pub) => serverChannel.receive(pub)));
    return serverChannel;
  }
}

export type { ServerChannel, ServerPublication };
