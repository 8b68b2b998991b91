/**
 * A worker's local channel table: which sockets (and server-side listeners) want each
 * channel, the broker subscribe round trips, and delivery of the publications the
 * brokers send. Ephemeral channels keep the fast path: a socket joins the native topic
 * at once and a publication is one frame splice plus one native publish.
 *
 * On kept channels (history, latest) a subscribing socket catches up before it joins
 * the native topic: live publications that arrive while its read is in flight are
 * buffered; on the answer the #subscribe reply goes first, then the read publications,
 * then the buffered ones after them; the socket joins the topic once this worker's live
 * stream has reached the last offset it was sent, and until then gets the live ones
 * past that offset directly. A live publication whose offset this worker has already
 * delivered (same epoch) is dropped. No gap, no duplicate, whatever order the broker's
 * read and its live stream arrive in.
 *
 * @example
 * const table = new ChannelTable(host, config.channels);
 * await table.subscribe(socket, "chat/1", { since, reply: (data) => socket.respond(cid, data), fail });
 */
import type { ServerSocket } from "./ServerSocket.ts";
import type { BrokerToWorker } from "../threads/messages.ts";
import type { Publication, StreamPosition } from "../protocol/publication.ts";
import { type ChannelNamespace, keepsPublications, namespaceMatcher } from "../config/namespaces.ts";
import type { Frame } from "../protocol/codec.ts";
import { namedError } from "../protocol/errorNames.ts";
import { Conflator } from "./conflate.ts";
import { deliverWithMiddleware } from "./deliverWithMiddleware.ts";
import type { SessionProtocol } from "./sessions/SessionProtocol.ts";
import { SmallSet } from "./SmallSet.ts";
import { PresenceJoins } from "./presenceJoins.ts";
import { SubscribeAcks } from "./SubscribeAcks.ts";
import { type ChannelHost, type LocalChannel, type Listener, type SubscribeOptions, topicOf } from "./LocalChannel.ts";

export { topicOf } from "./LocalChannel.ts";
export type { ChannelHost, Listener, LocalChannel, SubscribeOptions } from "./LocalChannel.ts";

export class ChannelTable {
  readonly #channels = new Map<string, LocalChannel>();
  /** The broker subscribe round trips of channels without a read (SubscribeAcks.ts). */
  readonly #acks: SubscribeAcks;
  /** Presence joins gathered per channel and turn (presenceJoins.ts); made on first use. */
  #joins: PresenceJoins | null = null;
  readonly namespace: (channel: string) => ChannelNamespace | null;

  /** `pusherPresence`: Pusher's `presence-` channels keep members with joins and leaves (src/config/channels.ts). */
  /** `sole`: the host's only worker, whose brokers send it every publication (src/config/soleWorkerId.ts). */
  constructor(private readonly host: ChannelHost, namespaces: readonly ChannelNamespace[], options: { pusherPresence?: boolean; sole?: boolean } = {}) {
    this.namespace = namespaceMatcher(namespaces, options);
    this.#acks = new SubscribeAcks(host.links, options.sole);
  }

  get(channel: string): LocalChannel | undefined {
    return this.#channels.get(channel);
  }

  names(): string[] {
    return [...this.#channels.keys()];
  }

  /** Add a socket; resolves once the reply is sent (the broker knows, and a kept channel's read is in). */
  subscribe(socket: ServerSocket, channel: string, options: SubscribeOptions): void | Promise<void> {
    const [entry, created] = this.#entry(channel);
    entry.sockets.add(socket);
    const protocol = socket.protocol;
    if (protocol) return this.#subscribeForeign(entry, created, socket, protocol, options);
    if (!entry.kept) {
      socket.connection.subscribe(entry.topic);
      if (options.member) return this.#presenceJoins().add(channel, options);
      return this.#acks.replyOnAck(channel, created, options);
    }
    (entry.catching ??= new Map()).set(socket, { buffer: [], sent: 0, epoch: "" });
    const since = entry.wire ? options.since : undefined;
    const read = since ? { since } : entry.namespace!.latest ? { latest: true as const } : { position: true as const };
    const member = options.member ? { member: options.member } : {};
    return this.host.links.request<Extract<BrokerToWorker, { t: "subAck" }>>(channel, { t: "sub", ch: channel, read, ...member })
      .then((ack) => this.#caughtUp(entry, socket, ack, since, options), (error: Error) => {
        entry.catching?.delete(socket);
        options.fail(error);
      });
  }

  /**
   * A socket subscribes again to a channel it is on: on a history channel the reply still
   * carries the current position (nothing is replayed: the socket never left).
   */
  again(channel: string, options: SubscribeOptions): void | Promise<void> {
    if (!this.#channels.get(channel)?.wire) return options.reply();
    return this.host.links.request<Extract<BrokerToWorker, { t: "subAck" }>>(channel, { t: "sub", ch: channel, read: { position: true } })
      .then((ack) => {
        if (!ack.position) return options.reply();
        const { offset, epoch } = ack.position;
        options.reply({ offset, epoch, ...(options.since ? { recovered: options.since.epoch === epoch } : {}) });
      }, () => options.reply());
  }

  unsubscribe(socket: ServerSocket, channel: string): void {
    const entry = this.#channels.get(channel);
    if (!entry) return;
    const protocol = socket.protocol;
    if (entry.sockets.delete(socket) && protocol) {
      const count = (entry.foreign?.get(protocol) ?? 1) - 1;
      if (count > 0) entry.foreign!.set(protocol, count);
      else if (entry.foreign?.delete(protocol) && entry.foreign.size === 0) entry.foreign = null;
    }
    entry.catching?.delete(socket);
    if (socket.state !== "closed") socket.connection.unsubscribe(protocol ? protocol.topic(entry.name) : entry.topic);
    this.#dropIfUnused(entry);
  }

  /** A server-side listener; resolves once the channel's broker knows this worker wants it. */
  async listen(channel: string, listener: Listener): Promise<() => void> {
    const [entry] = this.#entry(channel);
    (entry.listeners ??= new Set()).add(listener);
    await this.host.links.request(channel, { t: "sub", ch: channel });
    return () => {
      entry.listeners?.delete(listener);
      if (entry.listeners?.size === 0) entry.listeners = null;
      this.#dropIfUnused(entry);
    };
  }

  /** The broker answered an id-less subscribe (or a restarted broker got this channel in a resync). */
  acknowledged(channel: string): void {
    this.#acks.acknowledged(channel);
  }

  /** A live publication from a broker. */
  receive(pub: Publication & { at?: number }): void {
    const entry = this.#channels.get(pub.ch);
    if (!entry) return;
    entry.pubs++;
    if (!entry.kept && !entry.conflator && !entry.listeners && this.host.middlewares.outbound.length === 0) {
      if (entry.foreign === null && pub.skip === undefined) this.host.serveHandle()?.publish(entry.topic, this.host.codec.publishFrame(pub.ch, pub.json));
      else this.#publishAll(entry, pub, this.host.codec.publishFrame(pub.ch, pub.json));
      this.host.counters?.delivered(pub.at, entry.sockets.size);
      return;
    }
    if (entry.kept && pub.offset !== undefined) {
      const last = entry.last;
      if (last && last.epoch === pub.epoch && pub.offset <= last.offset) return;
      entry.last = { offset: pub.offset, epoch: pub.epoch! };
    }
    if (entry.conflator) entry.conflator.push(pub);
    else this.#deliver(entry, pub);
  }

  frameOf(entry: LocalChannel, pub: Publication): Frame {
    const codec = this.host.codec;
    return entry.wire ? codec.publishFrame(pub.ch, pub.json, pub.offset, pub.epoch) : codec.publishFrame(pub.ch, pub.json);
  }

  #deliver(entry: LocalChannel, pub: Publication & { at?: number }): void {
    const frame = this.frameOf(entry, pub);
    if (this.host.middlewares.outbound.length > 0) deliverWithMiddleware(this.host, this.#joined(entry), entry, pub, frame);
    else if (entry.foreign === null && pub.skip === undefined) this.host.serveHandle()?.publish(entry.topic, frame);
    else this.#publishAll(entry, pub, frame);
    this.host.counters?.delivered(pub.at, entry.sockets.size - (entry.catching?.size ?? 0));
    if (entry.listeners) for (const listener of entry.listeners) listener(pub);
    if (!entry.catching) return;
    for (const [socket, catchup] of entry.catching) {
      if (catchup.buffer) {
        catchup.buffer.push(pub);
        continue;
      }
      const sameEpoch = pub.epoch === catchup.epoch;
      if (!sameEpoch || pub.offset! > catchup.sent) this.#sendTo(entry, socket, pub, frame);
      if (!sameEpoch || pub.offset! >= catchup.sent) this.#join(entry, socket);
    }
  }

  #caughtUp(entry: LocalChannel, socket: ServerSocket, ack: Extract<BrokerToWorker, { t: "subAck" }>,
    since: StreamPosition | undefined, options: SubscribeOptions): void {
    const catchup = entry.catching?.get(socket);
    if (!catchup || this.#channels.get(entry.name) !== entry) return;
    if (ack.error || !ack.position) {
      entry.catching!.delete(socket);
      return options.fail(namedError(ack.error?.name ?? "BrokerError", ack.error?.message ?? "No position"));
    }
    const position = ack.position;
    const recovered = since !== undefined && ack.complete === true && since.epoch === position.epoch;
    options.reply(entry.wire ? { offset: position.offset, epoch: position.epoch, ...(since ? { recovered } : {}) } : undefined);
    let sent = position.offset;
    const replay = since ? (recovered ? ack.pubs ?? [] : []) : entry.namespace!.latest ? ack.pubs ?? [] : [];
    for (const pub of replay) {
      if (since && pub.offset! <= since.offset) continue;
      this.#sendTo(entry, socket, pub);
      if (pub.offset! > sent) sent = pub.offset!;
    }
    for (const pub of catchup.buffer ?? []) {
      if (pub.epoch !== position.epoch || pub.offset! <= sent) continue;
      this.#sendTo(entry, socket, pub);
      sent = pub.offset!;
    }
    catchup.buffer = null;
    catchup.sent = sent;
    catchup.epoch = position.epoch;
    const last = entry.last;
    if (!last || last.epoch !== position.epoch || last.offset >= sent) this.#join(entry, socket);
  }

  #sendTo(entry: LocalChannel, socket: ServerSocket, pub: Publication, frame = this.frameOf(entry, pub)): void {
    if (this.host.middlewares.outbound.length === 0) socket.send(frame);
    else deliverWithMiddleware(this.host, [socket], entry, pub, frame);
    if (this.host.counters) this.host.counters.sent.publish++;
  }

  #join(entry: LocalChannel, socket: ServerSocket): void {
    entry.catching?.delete(socket);
    if (entry.catching?.size === 0) entry.catching = null;
    if (socket.state !== "closed") socket.connection.subscribe(entry.topic);
  }

  #joined(entry: LocalChannel): Iterable<ServerSocket> {
    if (!entry.catching) return entry.sockets;
    return [...entry.sockets].filter((socket) => !entry.catching!.has(socket));
  }

  #entry(channel: string): [LocalChannel, boolean] {
    const existing = this.#channels.get(channel);
    if (existing) return [existing, false];
    const namespace = this.namespace(channel);
    const entry: LocalChannel = {
      name: channel, topic: topicOf(channel), namespace,
      kept: keepsPublications(namespace), wire: namespace?.history !== undefined,
      sockets: new SmallSet(), catching: null, listeners: null, last: null, conflator: null, pubs: 0, foreign: null,
    };
    if (namespace?.conflate) entry.conflator = new Conflator(namespace.conflate, (pub) => this.#deliver(entry, pub));
    this.#channels.set(channel, entry);
    return [entry, true];
  }

  #dropIfUnused(entry: LocalChannel): void {
    if (entry.sockets.size > 0 || entry.listeners || this.#channels.get(entry.name) !== entry) return;
    this.#channels.delete(entry.name);
    entry.conflator?.stop();
    this.host.links.post(entry.name, { t: "unsub", ch: entry.name });
  }

  /**
   * One publication to every joined socket of every protocol, the `skip` client left
   * out: each protocol's frame is made once and published to its topic, from the skipped
   * connection itself when it is in that topic (the native publish skips its sender).
   */
  #publishAll(entry: LocalChannel, pub: Publication, frame: Frame): void {
    const serve = this.host.serveHandle();
    const skipped = pub.skip === undefined ? undefined : this.host.clients.get(pub.skip);
    const sender = skipped && skipped.state !== "closed" && skipped.channels.has(entry.name) ? skipped : undefined;
    let others = 0;
    for (const [protocol, count] of entry.foreign ?? []) {
      others += count;
      const topic = protocol.topic(entry.name);
      const text = protocol.publicationFrame(pub);
      if (sender?.protocol === protocol) sender.connection.publish(topic, text);
      else serve?.publish(topic, text);
    }
    if (entry.sockets.size <= others) return;
    // Binary codecs' frames go out as bytes: the runtime sends what it is given (as presence.ts does).
    if (sender && !sender.protocol) sender.connection.publish(entry.topic, frame as string);
    else serve?.publish(entry.topic, frame);
  }

  /** A session of another protocol: its own topic at once (no catch-up: it has no offsets), then the broker's answer. */
  #subscribeForeign(entry: LocalChannel, created: boolean, socket: ServerSocket, protocol: SessionProtocol, options: SubscribeOptions): void | Promise<void> {
    const foreign = entry.foreign ??= new Map();
    foreign.set(protocol, (foreign.get(protocol) ?? 0) + 1);
    socket.connection.subscribe(protocol.topic(entry.name));
    if (options.member) return this.#presenceJoins().add(entry.name, options);
    return this.#acks.replyOnAck(entry.name, created, options);
  }

  /** Post the presence joins gathered so far (of one channel, or all): a leave calls it first, so it never overtakes its join. */
  flushJoins(channel?: string): void {
    this.#joins?.flush(channel);
  }

  #presenceJoins(): PresenceJoins {
    return this.#joins ??= new PresenceJoins(this.host.links, this.host.log);
  }
}
