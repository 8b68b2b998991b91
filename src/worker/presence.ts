/**
 * A worker's side of presence: the member each local socket registered in each presence
 * channel (sent again to a restarted broker in its resync), the leave when a socket
 * unsubscribes or closes, the `#join`/`#leave` frames of `joinLeave` channels to the
 * local subscribers, and the reads behind `#presence`, `#presenceStats` and
 * `exchange.presence`. A join event is made into a frame once per worker and handed to
 * the native topic; the joining socket itself is left out (Bun: published from its own
 * connection, which the native publish skips; Deno: the same, emulated).
 *
 * @example
 * const presence = new WorkerPresence(worker);
 * await presence.members("room/1"); // [{ client, user, info }, …]
 */
import type { Member, PresenceStats } from "../protocol/presence.ts";
import type { BrokerToWorker } from "../threads/messages.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";
import { hasPresence } from "../config/namespaces.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { Reserved } from "../protocol/packets.ts";

type PresenceAck = Extract<BrokerToWorker, { t: "presenceAck" }>;

export class WorkerPresence {
  /** channel → client → the member registered for it */
  readonly #members = new Map<string, Map<string, Member>>();

  constructor(private readonly worker: SocketWorker) {}

  /** Whether a channel keeps a member list. */
  has(channel: string): boolean {
    return hasPresence(this.worker.channels.namespace(channel));
  }

  /** The member a subscribing socket registers (null on channels without presence); `user` overrides the token's sub (Pusher's channel_data). */
  join(socket: ServerSocket, channel: string, info: Record<string, unknown> | null | undefined, user?: string): Member | undefined {
    if (!this.has(channel)) return undefined;
    const sub = user ?? socket.authToken?.sub;
    const member: Member = { client: socket.id, user: sub === undefined || sub === null ? null : String(sub), info: info ?? null };
    let members = this.#members.get(channel);
    if (!members) this.#members.set(channel, members = new Map());
    members.set(socket.id, member);
    return member;
  }

  /** A socket left a channel (unsubscribed, failed subscribe, or closed). */
  leave(socket: ServerSocket, channel: string): void {
    const members = this.#members.get(channel);
    if (!members?.delete(socket.id)) return;
    if (members.size === 0) this.#members.delete(channel);
    // A join still gathered for this turn goes first: the broker must see it before the leave.
    this.worker.channels.flushJoins(channel);
    this.worker.links.post(channel, { t: "leave", ch: channel, client: socket.id });
  }

  /** The members of these channels, for a restarted broker's resync. */
  resync(channels: string[]): Array<{ ch: string; member: Member }> {
    const list: Array<{ ch: string; member: Member }> = [];
    for (const ch of channels) for (const member of this.#members.get(ch)?.values() ?? []) list.push({ ch, member });
    return list;
  }

  /** A join or leave from a broker: to this worker's subscribers of the channel, the joiner excepted. */
  event(message: Extract<BrokerToWorker, { t: "pev" }>): void {
    const entry = this.worker.channels.get(message.ch);
    if (!entry || entry.sockets.size === 0) return;
    // Made once per worker per event; the runtime sends it as the codec made it (text, or bytes for binary codecs).
    const frame = this.worker.codec.encode({ event: message.join ? Reserved.join : Reserved.leave, data: { channel: message.ch, member: message.member } }) as string;
    const own = message.join ? this.worker.clients.get(message.member.client) : undefined;
    if (own && own.state !== "closed" && !own.protocol) own.connection.publish(entry.topic, frame);
    else this.worker.serveHandle()?.publish(entry.topic, frame);
    // Other protocols' sessions (Pusher: member_added/member_removed by user) make their own frames.
    if (entry.foreign) for (const protocol of entry.foreign.keys()) protocol.presenceEvent?.(message);
  }

  /** Every member of the channel, on every worker and host; null when there are more than `limit`. */
  async members(channel: string, limit?: number): Promise<Member[] | null> {
    const ack = await this.#read(channel, { limit });
    return ack.members ?? null;
  }

  /** `{ clients, users }` of the channel, from counters. */
  async stats(channel: string): Promise<PresenceStats> {
    return (await this.#read(channel, { stats: true })).stats!;
  }

  async #read(channel: string, options: { limit?: number; stats?: boolean }): Promise<PresenceAck> {
    if (!this.has(channel)) {
      throw namedError(ErrorName.InvalidAction, `The ${channel} channel has no presence (no channels: entry with presence matches it)`);
    }
    const ack = await this.worker.links.request<PresenceAck>(channel, { t: "presence", ch: channel, ...options });
    if (ack.error) throw namedError(ack.error.name, ack.error.message);
    return ack;
  }
}
