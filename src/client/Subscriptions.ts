/**
 * The client's channels by name and their states: `pending` until the server answers
 * #subscribe, back to `pending` when the connection drops (their `unsubscribe` event
 * first), subscribed again after the next handshake; `unsubscribed` after `unsubscribe()`,
 * a kick-out or a refused subscribe. At most one #subscribe per channel is in flight.
 * Names on the wire carry `channelPrefix`; names here never do.
 *
 * Channels with history resubscribe with `since` (their position), settle the reply
 * synchronously (before any publication behind it in the same batch), emit `recovery`
 * after each resubscribe with `since`, and drop publications they have already seen.
 * An explicit unsubscribe, a kick-out or a refused subscribe forgets the position.
 *
 * @example
 * const subscriptions = new Subscriptions("", socket, link);
 * subscriptions.subscribe("chat").watch(console.log);
 */
import { ErrorName } from "../protocol/errorNames.ts";
import { Reserved } from "../protocol/packets.ts";
import type { StreamPosition } from "../protocol/publication.ts";
import { Channel, type ChannelHost, type ChannelLink, type SubscribeOptions } from "./Channel.ts";
import type { Recovery } from "./ChannelPosition.ts";

/** What the subscriptions need from their socket. */
export interface SubscriptionLink {
  /** Whether the handshake is done, so packets go straight out. */
  isOpen(): boolean;
  isAuthenticated(): boolean;
  /** Invoke now, ahead of queued packets, without a timeout (as SocketCluster does for #subscribe); `done` runs as the reply is handled. */
  request(event: string, data: unknown, done: (error: Error | null, reply?: unknown) => void): void;
  /** Transmit now. */
  send(event: string, data: unknown): void;
  emit(name: string, value: unknown): void;
}

export class Subscriptions {
  readonly #channels = new Map<string, Channel>();
  /** The #subscribe in flight per channel; an answer to an older one is ignored. */
  readonly #inFlight = new Map<string, object>();

  readonly #host: ChannelLink;

  /** `host` is the socket: its channel methods, and `invoke` (queued, with its ackTimeout) for #history. */
  constructor(readonly prefix: string, host: ChannelHost & { invoke(event: string, data: unknown): Promise<any> }, private readonly link: SubscriptionLink) {
    this.#host = {
      unsubscribe: (name) => host.unsubscribe(name),
      closeChannel: (name) => host.closeChannel(name),
      transmitPublish: (name, data) => host.transmitPublish(name, data),
      invokePublish: (name, data) => host.invokePublish(name, data),
      history: (name, { since, limit }) => host.invoke(Reserved.history, { channel: this.wire(name), since, limit }),
      presence: async (name) => (await host.invoke(Reserved.presence, { channel: this.wire(name) })).members,
      presenceStats: (name) => host.invoke(Reserved.presenceStats, { channel: this.wire(name) }),
    };
  }

  /** The channel named `name`, created (unsubscribed) if new. */
  channel(name: string): Channel {
    let channel = this.#channels.get(name);
    if (!channel) this.#channels.set(name, channel = new Channel(name, this.#host));
    return channel;
  }

  subscribe(name: string, options?: SubscribeOptions): Channel {
    const channel = this.channel(name);
    if (options) {
      channel.waitForAuth = options.waitForAuth ?? false;
      channel.data = options.data;
      if (options.since && channel.state === "unsubscribed") channel.stream.set(options.since);
    }
    if (channel.state === "unsubscribed") {
      channel.setState("pending");
      this.link.emit("subscribeRequest", { channel: name });
      this.#trySubscribe(channel);
    }
    return channel;
  }

  unsubscribe(name: string): void {
    const channel = this.#channels.get(name);
    if (!channel || channel.state === "unsubscribed") return;
    const serverKnows = channel.state === "subscribed" || this.#inFlight.has(name);
    this.#drop(channel);
    if (serverKnows && this.link.isOpen()) this.link.send(Reserved.unsubscribe, this.wire(name));
  }

  /** Unsubscribe and forget the channel, ending its watchers and loops. */
  close(name: string): void {
    const channel = this.#channels.get(name);
    if (!channel) return;
    this.unsubscribe(name);
    this.#channels.delete(name);
    channel.end();
  }

  names(includePending = false): string[] {
    return [...this.#channels.values()].filter((c) => c.isSubscribed(includePending)).map((c) => c.name);
  }

  isSubscribed(name: string, includePending = false): boolean {
    return this.#channels.get(name)?.isSubscribed(includePending) ?? false;
  }

  /** A #publish from the server; delivered to subscribed and pending channels, once per offset. */
  deliver(wireName: string, data: unknown, offset?: unknown, epoch?: unknown): void {
    const channel = this.#channels.get(this.unwire(wireName));
    if (!channel || channel.state === "unsubscribed") return;
    const verdict = channel.stream.accept(offset, epoch);
    if (verdict === "duplicate") return;
    // The server lost the history (a new epoch): what came in between is gone; say so first.
    if (verdict === "newEpoch") this.#emitRecovery(channel, { recovered: false, offset: offset as number, epoch: epoch as string });
    channel.deliver(data);
  }

  /** A #join or #leave from the server: the channel's `join`/`leave` event with the member. */
  presenceEvent(wireName: string, join: boolean, member: unknown): void {
    const channel = this.#channels.get(this.unwire(wireName));
    if (!channel || channel.state === "unsubscribed") return;
    channel.emit(join ? "join" : "leave", member);
  }

  /** A #kickOut: the server has already dropped us, so no #unsubscribe goes back. */
  kickOut(wireName: string, message?: string): void {
    const channel = this.#channels.get(this.unwire(wireName));
    if (!channel || channel.state === "unsubscribed") return;
    const event = message === undefined ? { channel: channel.name } : { channel: channel.name, message };
    this.link.emit("kickOut", event);
    channel.setState(channel.state, "kickOut", event); // the event first, then the drop and its unsubscribe event
    this.#drop(channel);
  }

  /** The connection dropped: subscribed channels go back to pending, nothing is sent. */
  suspend(): void {
    this.#inFlight.clear();
    for (const channel of this.#channels.values()) {
      if (channel.state !== "subscribed") continue;
      channel.setState("pending", "unsubscribe", { channel: channel.name });
      this.link.emit("unsubscribe", { channel: channel.name });
    }
  }

  /** Send #subscribe for every pending channel that may go now (after a handshake or an authentication). */
  resume(): void {
    for (const channel of this.#channels.values()) if (channel.state === "pending") this.#trySubscribe(channel);
  }

  wire(name: string): string {
    return this.prefix + name;
  }

  unwire(name: string): string {
    return this.prefix && name.startsWith(this.prefix) ? name.slice(this.prefix.length) : name;
  }

  #trySubscribe(channel: Channel): void {
    const { name } = channel;
    if (!this.link.isOpen() || this.#inFlight.has(name)) return;
    if (channel.waitForAuth && !this.link.isAuthenticated()) return;
    const attempt = {};
    this.#inFlight.set(name, attempt);
    const data: Record<string, unknown> = { channel: this.wire(name) };
    if (channel.waitForAuth) data.waitForAuth = true;
    if (channel.data !== undefined) data.data = channel.data;
    const since: StreamPosition | undefined = channel.stream.since();
    if (since) data.since = since;
    this.link.request(Reserved.subscribe, data, (error, reply) => {
      if (this.#inFlight.get(name) !== attempt) return;
      this.#inFlight.delete(name);
      if (error) {
        if (error.name === ErrorName.BadConnection) return; // stays pending for the next connection
        channel.stream.reset();
        channel.setState("unsubscribed", "subscribeFail", { channel: name, error });
        return this.link.emit("subscribeFail", { channel: name, error });
      }
      const recovery = channel.stream.settle(reply, since);
      const event = { channel: name, ...recovery };
      channel.setState("subscribed", "subscribe", event);
      this.link.emit("subscribe", event);
      if (since && recovery) this.#emitRecovery(channel, recovery);
    });
  }

  #emitRecovery(channel: Channel, recovery: Recovery): void {
    const event = { channel: channel.name, ...recovery };
    channel.setState(channel.state, "recovery", event);
    this.link.emit("recovery", event);
  }

  #drop(channel: Channel): void {
    this.#inFlight.delete(channel.name);
    channel.stream.reset();
    const wasSubscribed = channel.state === "subscribed";
    channel.setState("unsubscribed");
    if (!wasSubscribed) return;
    channel.setState("unsubscribed", "unsubscribe", { channel: channel.name });
    this.link.emit("unsubscribe", { channel: channel.name });
  }
}
