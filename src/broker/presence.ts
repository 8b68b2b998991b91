/**
 * The broker's side of presence: which members each linked worker registered (so a
 * worker that dies has its members removed at once, with leave events), the store calls
 * for joins, leaves and reads, and the join/leave events of `joinLeave` channels. With
 * the memory store the broker sends the events itself from what add/remove answer; with
 * a store that publishes to hosts (Redis) they come back from the store on every host.
 * A restarted broker gets its workers' members in their resync and registers them
 * without events (the channels' subscribers never saw them leave).
 *
 * @example
 * const presence = new BrokerPresence(config.channels, new MemoryPresenceStore(), (event) => sendToWorkers(event), log);
 * await presence.join(0, "room/1", { client: "s1", user: "ann", info: null });
 */
import type { PresenceEvent, PresenceStore } from "../presence/PresenceStore.ts";
import type { Member } from "../protocol/presence.ts";
import type { BrokerToWorker, ErrorRecord } from "../threads/messages.ts";
import type { Logger } from "../log/logger.ts";
import { type ChannelNamespace, hasPresence, namespaceMatcher } from "../config/namespaces.ts";
import { ErrorName } from "../protocol/errorNames.ts";
import { whenReady } from "./history.ts";
import { errorRecord } from "./errorRecord.ts";

type PresenceAck = Extract<BrokerToWorker, { t: "presenceAck" }>;

export class BrokerPresence {
  readonly #find: (channel: string) => ChannelNamespace | null;
  readonly #members: { memberJoined(ch: string, member: Member, silent?: boolean): void; memberLeft(ch: string, member: Member): void } | null;
  #store: PresenceStore;
  /** worker id → channel → client → the member that worker registered there */
  readonly #byWorker = new Map<number, Map<string, Map<string, Member>>>();

  constructor(
    namespaces: readonly ChannelNamespace[],
    store: PresenceStore,
    private readonly deliver: (event: PresenceEvent) => void,
    private readonly log: Logger | null,
    options: {
      pusherPresence?: boolean;
      /** Told of every member entry added or removed (webhooks' member_added/member_removed). */
      members?: { memberJoined(ch: string, member: Member, silent?: boolean): void; memberLeft(ch: string, member: Member): void } | null;
    } = {},
  ) {
    this.#find = namespaceMatcher(namespaces, options);
    this.#members = options.members ?? null;
    this.#store = store;
  }

  /**
   * Use a store shared by every host (the engine's); its events come back through
   * `deliver`. Members registered before (the engine came later) move to it.
   */
  useStore(store: PresenceStore): void {
    this.#store = store;
    store.onEvent?.((event) => this.deliver(event));
    store.onSwept?.(() => this.#registerAgain());
    this.#registerAgain();
  }

  /** Every member this broker knows of, into the store again (a join only where it was missing). */
  #registerAgain(): void {
    for (const mine of this.#byWorker.values()) {
      for (const [ch, members] of mine) {
        for (const member of members.values()) {
          whenReady(this.#store.add(ch, member, this.#find(ch)?.joinLeave ?? false), () => {},
            (error) => this.log?.warn("Presence: could not register a member again", { channel: ch, error: String(error) }));
        }
      }
    }
  }

  get store(): PresenceStore {
    return this.#store;
  }

  /** Whether the channel keeps a member list. */
  has(channel: string): boolean {
    return hasPresence(this.#find(channel));
  }

  /** Register a worker's members (one subscribe batch); a promise (of the first error) only when the store answers later. */
  joinAll(worker: number, ch: string, members: Member[]): Promise<ErrorRecord | void> | undefined {
    let pending: Array<Promise<ErrorRecord | void>> | null = null;
    for (const member of members) {
      const joined = this.join(worker, ch, member);
      if (joined) (pending ??= []).push(joined);
    }
    return pending ? Promise.all(pending).then((errors) => errors.find((error) => error)) : undefined;
  }

  /** Register a member for a worker; settles (never rejects) once the store has it, with the error if it failed. */
  join(worker: number, ch: string, member: Member, silent = false): void | Promise<ErrorRecord | void> {
    let mine = this.#byWorker.get(worker);
    if (!mine) this.#byWorker.set(worker, mine = new Map());
    let members = mine.get(ch);
    if (!members) mine.set(ch, members = new Map());
    members.set(member.client, member);
    const announce = this.#find(ch)?.joinLeave ?? false;
    const added = this.#store.add(ch, member, announce);
    // The memory store answers at once: no closure per member (10,000 joining a room).
    if (!(added instanceof Promise)) return this.#joined(ch, member, added, announce, silent);
    return added.then((isNew) => this.#joined(ch, member, isNew, announce, silent), (error) => {
      this.log?.warn("Presence: could not register a member", { channel: ch, error: String(error) });
      return errorRecord(error);
    });
  }

  #joined(ch: string, member: Member, isNew: boolean, announce: boolean, silent: boolean): void {
    // Silent (a restarted broker's resync, the member maybe still in a shared store): counted again, announced to nobody.
    if (isNew || silent) this.#members?.memberJoined(ch, member, silent);
    if (isNew && announce && !silent && !this.#store.publishesToHosts) this.deliver({ ch, join: true, member });
  }

  /** A member left (its socket unsubscribed or closed). */
  leave(worker: number, ch: string, client: string): void {
    const members = this.#byWorker.get(worker)?.get(ch);
    if (members?.delete(client) && members.size === 0) this.#byWorker.get(worker)!.delete(ch);
    whenReady(this.#store.remove(ch, client), (member) => {
      if (member) this.#members?.memberLeft(ch, member);
      if (member && !this.#store.publishesToHosts && this.#find(ch)?.joinLeave) this.deliver({ ch, join: false, member });
    }, (error) => this.log?.warn("Presence: could not remove a member", { channel: ch, error: String(error) }));
  }

  /** A worker died or was detached: every member it registered leaves now. */
  dropWorker(worker: number): void {
    const mine = this.#byWorker.get(worker);
    if (!mine) return;
    this.#byWorker.delete(worker);
    for (const [ch, members] of mine) for (const client of members.keys()) this.leave(worker, ch, client);
  }

  /** Answer a worker's `#presence` or `#presenceStats` read. */
  read(ch: string, id: number, limit: number | undefined, stats: boolean | undefined, answer: (ack: PresenceAck) => void): void {
    if (!this.has(ch)) {
      return answer({ t: "presenceAck", id, error: { name: ErrorName.InvalidAction, message: `The ${ch} channel has no presence` } });
    }
    const failed = (error: unknown) => answer({ t: "presenceAck", id, error: errorRecord(error) });
    if (stats) return whenReady(this.#store.stats(ch), (counts) => answer({ t: "presenceAck", id, stats: counts }), failed);
    whenReady(this.#store.members(ch, limit ?? Number.MAX_SAFE_INTEGER), (members) => answer({ t: "presenceAck", id, members }), failed);
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}
