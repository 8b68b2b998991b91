/**
 * The memory presence store: lives in the broker that owns the channels (one host), so
 * join and leave are immediate and exact; the broker sends the events itself
 * (`publishesToHosts` false). Methods are synchronous. Per channel: a map of members by
 * client and a count per user, so `stats` is two sizes and a join costs O(1).
 *
 * @example
 * const store = new MemoryPresenceStore();
 * store.add("room/1", { client: "s1", user: "ann", info: null }, true); // true
 * store.stats("room/1"); // { clients: 1, users: 1 }
 */
import type { Member, PresenceStats, PresenceStore } from "./PresenceStore.ts";

interface Room {
  members: Map<string, Member>;
  users: Map<string, number>;
}

export class MemoryPresenceStore implements PresenceStore {
  readonly publishesToHosts = false;
  readonly #rooms = new Map<string, Room>();

  add(ch: string, member: Member): boolean {
    let room = this.#rooms.get(ch);
    if (!room) this.#rooms.set(ch, room = { members: new Map(), users: new Map() });
    const old = room.members.get(member.client);
    room.members.set(member.client, member);
    if (old) {
      if (old.user !== member.user) {
        uncount(room, old.user);
        count(room, member.user);
      }
      return false;
    }
    count(room, member.user);
    return true;
  }

  remove(ch: string, client: string): Member | null {
    const room = this.#rooms.get(ch);
    const member = room?.members.get(client);
    if (!room || !member) return null;
    room.members.delete(client);
    uncount(room, member.user);
    if (room.members.size === 0) this.#rooms.delete(ch);
    return member;
  }

  members(ch: string, limit: number): Member[] | null {
    const room = this.#rooms.get(ch);
    if (!room) return [];
    return room.members.size > limit ? null : [...room.members.values()];
  }

  stats(ch: string): PresenceStats {
    const room = this.#rooms.get(ch);
    return { clients: room?.members.size ?? 0, users: room?.users.size ?? 0 };
  }

  close(): Promise<void> {
    this.#rooms.clear();
    return Promise.resolve();
  }
}

function count(room: Room, user: string | null): void {
  if (user !== null) room.users.set(user, (room.users.get(user) ?? 0) + 1);
}

function uncount(room: Room, user: string | null): void {
  if (user === null) return;
  const n = (room.users.get(user) ?? 0) - 1;
  if (n <= 0) room.users.delete(user);
  else room.users.set(user, n);
}
