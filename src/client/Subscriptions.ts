/**
 * The client's channels by name and their states: `pending` until the server answers
 * #subscribe, back to `pending` when the connection drops (their `unsubscribe` event
 * first), subscribed again after the next handshake; `unsubscribed` after `unsubscribe()`,
 * a kick-out or a refused subscribe. At most one #subscribe per channel is in flight.
 * Names on the wire carry `channelPrefix`; names here never do.
 *
 * @example
 * const subscriptions = new Subscriptions("", socket, link);
 * subscriptions.subscribe("chat").watch(console.log);
 */
import { ErrorName } from "../protocol/errorNames.ts";
import { Reserved } from "../protocol/packets.ts";
import { Channel, type ChannelHost, type SubscribeOptions } from "./Channel.ts";

/** What the subscriptions need from their socket. */
export interface SubscriptionLink {
  /** Whether the handshake is done, so packets go straight out. */
  isOpen(): boolean;
  isAuthenticated(): boolean;
  /** Invoke now, ahead of queued packets, without a timeout (as SocketCluster does for #subscribe). */
  request(event: string, data: unknown): Promise<unknown>;
  /** Transmit now. */
  send(event: string, data: unknown): void;
  emit(name: string, value: unknown): void;
}

export class Subscriptions {
  readonly #channels = new Map<string, Channel>();
  /** The #subscribe in flight per channel; an answer to an older one is ignored. */
  readonly #inFlight = new Map<string, object>();

  constructor(readonly prefix: string, private readonly host: ChannelHost, private readonly link: SubscriptionLink) {}

  /** The channel named `name`, created (unsubscribed) if new. */
  channel(name: string): Channel {
    let channel = this.#channels.get(name);
    if (!channel) this.#channels.set(name, channel = new Channel(name, this.host));
    return channel;
  }

  subscribe(name: string, options?: SubscribeOptions): Channel {
    const channel = this.channel(name);
    if (options) {
      channel.waitForAuth = options.waitForAuth ?? false;
      channel.data = options.data;
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

  /** A #publish from the server; delivered to subscribed and pending channels. */
  deliver(wireName: string, data: unknown): void {
    const channel = this.#channels.get(this.unwire(wireName));
    if (channel && channel.state !== "unsubscribed") channel.deliver(data);
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
    this.link.request(Reserved.subscribe, data).then(() => {
      if (this.#inFlight.get(name) !== attempt) return;
      this.#inFlight.delete(name);
      channel.setState("subscribed", "subscribe", { channel: name });
      this.link.emit("subscribe", { channel: name });
    }, (error: Error) => {
      if (this.#inFlight.get(name) !== attempt) return;
      this.#inFlight.delete(name);
      if (error?.name === ErrorName.BadConnection) return; // stays pending for the next connection
      channel.setState("unsubscribed", "subscribeFail", { channel: name, error });
      this.link.emit("subscribeFail", { channel: name, error });
    });
  }

  #drop(channel: Channel): void {
    this.#inFlight.delete(channel.name);
    const wasSubscribed = channel.state === "subscribed";
    channel.setState("unsubscribed");
    if (!wasSubscribed) return;
    channel.setState("unsubscribed", "unsubscribe", { channel: channel.name });
    this.link.emit("unsubscribe", { channel: channel.name });
  }
}
