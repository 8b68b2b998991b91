/**
 * What the Pusher HTTP API does, as functions over scx's own parts: events are published
 * through the exchange (any thread's links reach every broker and host) as
 * `{ event, data }` publications; channel counts come from every worker of every host
 * over the control path, so no answer depends on which worker got the request; presence
 * users come from the presence store.
 *
 * @example
 * const api = new PusherApi(exchange, control);
 * await api.trigger([{ channel: "news", name: "greet", data: '{"text":"hi"}' }]);
 * await api.subscriptionCounts(); // Map { "news" => 3 }
 */
import type { ControlPlane } from "../../control/ControlPlane.ts";
import { answeredValues } from "../../control/ControlPlane.ts";
import type { ApiExchange } from "../ServerApi.ts";
import { pusherPublicationData } from "../../protocol/pusher/publicationMapping.ts";
import { validChannelName } from "../../protocol/pusher/channelNames.ts";

/** One event to one channel. */
export interface PusherEvent { channel: string; name: string; data: string; socket_id?: string }

/** What the Pusher API needs of server.exchange: publish with a client to skip (a Pusher socket_id), presence. */
export interface PusherExchange extends Pick<ApiExchange, "presence" | "presenceStats"> {
  publish(channel: string, data: unknown, options?: { skip?: string }): Promise<unknown>;
}

export class PusherApi {
  constructor(private readonly exchange: PusherExchange, private readonly control: ControlPlane) {}

  /** Publish each event to its channel, not to the client whose socket_id it names; rejects when any publish failed. */
  async trigger(events: PusherEvent[]): Promise<void> {
    await Promise.all(events.map((event) =>
      this.exchange.publish(event.channel, pusherPublicationData(event.name, event.data), event.socket_id === undefined ? {} : { skip: event.socket_id })));
  }

  /** Subscriptions per channel with a Pusher-valid name, summed over every worker and host. */
  async subscriptionCounts(): Promise<Map<string, number>> {
    const lists = answeredValues(await this.control.ask<Array<{ channel: string; subscribers: number }>>("channels", {}));
    const counts = new Map<string, number>();
    for (const list of lists) {
      for (const { channel, subscribers } of list) {
        if (validChannelName(channel)) counts.set(channel, (counts.get(channel) ?? 0) + subscribers);
      }
    }
    return counts;
  }

  /** The distinct user ids in a presence channel, on every host. */
  async userIds(channel: string): Promise<string[]> {
    const members = (await this.exchange.presence?.(channel)) ?? [];
    const ids = new Set<string>();
    for (const member of members as Array<{ user?: string | null }>) if (typeof member.user === "string") ids.add(member.user);
    return [...ids];
  }

  /** How many distinct users a presence channel has, on every host (from the presence store's counters). */
  async userCount(channel: string): Promise<number> {
    if (!this.exchange.presenceStats) return (await this.userIds(channel)).length;
    const stats = await this.exchange.presenceStats(channel) as { users?: number };
    return typeof stats?.users === "number" ? stats.users : (await this.userIds(channel)).length;
  }

  /** Close every connection of a user on every host; how many closed. */
  async terminate(userId: string): Promise<number> {
    const closed = answeredValues(await this.control.ask<number>("disconnect", { user: userId }));
    return closed.reduce((total, n) => total + (typeof n === "number" ? n : 0), 0);
  }
}
