/**
 * Pusher presence on one worker: members are users (`user_id`), not connections, so
 * two connections of one user are one member, added with the first and removed after
 * the last, on every worker and host. The cluster's member list (one entry per
 * connection, src/presence) is read when a Pusher connection subscribes; the broker's
 * join and leave events keep this worker's user → connections view current after that,
 * and a user whose first connection arrives (or last leaves) becomes
 * `pusher_internal:member_added` (`member_removed`) to this worker's Pusher subscribers,
 * the joining connection excepted. The first subscriber's read starts the view; a join
 * or leave the read already counted changes nothing when its event follows.
 *
 * @example
 * const presence = new PusherPresence(worker, (ch) => topic(ch));
 * const { presence: hash } = await presence.subscribed("presence-room"); // { ids, hash, count }
 */
import type { Member } from "../../../protocol/presence.ts";
import type { BrokerToWorker } from "../../../threads/messages.ts";
import { eventFrame } from "../../../protocol/pusher/frames.ts";
import { PusherEvent } from "../../../protocol/pusher/events.ts";
import type { SocketWorker } from "../../SocketWorker.ts";

/** A user's connections in a channel, and the user_info of the first. */
interface PusherMember { clients: Set<string>; info: unknown }

export interface PresenceHash { ids: string[]; hash: Record<string, unknown>; count: number }

export class PusherPresence {
  /** channel → user_id → member (only channels with Pusher subscribers on this worker) */
  readonly #channels = new Map<string, Map<string, PusherMember>>();

  constructor(private readonly worker: SocketWorker, private readonly topic: (channel: string) => string) {}

  /** Read the channel's members (after this connection's own member is registered) and answer its presence hash. */
  async subscribed(channel: string): Promise<PresenceHash> {
    const members = (await this.worker.presence.members(channel)) ?? [];
    const users = new Map<string, PusherMember>();
    for (const member of members) add(users, member);
    // The first read starts this worker's view; after that only events change it. With a
    // store shared by hosts (Redis) a read can see a join whose event is still on its
    // way: replacing the view then would swallow that member_added for everyone here.
    if (!this.#channels.has(channel)) this.#channels.set(channel, users);
    return hashOf(users);
  }

  /** No Pusher subscriber of the channel is left on this worker: forget its view. */
  forget(channel: string): void {
    this.#channels.delete(channel);
  }

  /** A join or leave from the channel's broker. */
  event(message: Extract<BrokerToWorker, { t: "pev" }>): void {
    const users = this.#channels.get(message.ch);
    const user = message.member.user;
    if (!users || user === null) return;
    if (message.join) {
      if (!add(users, message.member)) return;
      const frame = eventFrame(PusherEvent.memberAdded, { user_id: user, user_info: message.member.info ?? undefined }, message.ch);
      const own = this.worker.clients.get(message.member.client);
      if (own && own.state !== "closed" && own.protocol) own.connection.publish(this.topic(message.ch), frame);
      else this.worker.serveHandle()?.publish(this.topic(message.ch), frame);
      return;
    }
    const member = users.get(user);
    if (!member?.clients.delete(message.member.client) || member.clients.size > 0) return;
    users.delete(user);
    this.worker.serveHandle()?.publish(this.topic(message.ch), eventFrame(PusherEvent.memberRemoved, { user_id: user }, message.ch));
  }
}

/** Add a connection; true when it is its user's first. */
function add(users: Map<string, PusherMember>, member: Member): boolean {
  if (member.user === null) return false;
  const known = users.get(member.user);
  if (known) {
    known.clients.add(member.client);
    return false;
  }
  users.set(member.user, { clients: new Set([member.client]), info: member.info });
  return true;
}

function hashOf(users: Map<string, PusherMember>): PresenceHash {
  const hash: Record<string, unknown> = {};
  for (const [id, member] of users) hash[id] = member.info ?? null;
  return { ids: [...users.keys()], hash, count: users.size };
}
