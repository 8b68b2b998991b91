/**
 * A worker's presence joins on their way to the brokers. Each socket's member is
 * registered before its #subscribe reply; the members joining one channel in one
 * event-loop turn go to the channel's broker as one `sub` with `members`, answered once
 * (10,000 sockets joining a room cost a few broker round trips, not 10,000). Every socket
 * of a batch waits on one promise; the broker's answer replies to each, or fails each.
 *
 * @example
 * const joins = new PresenceJoins(links, log);
 * await joins.add("room/1", { member, reply: () => socket.ack(cid), fail });
 * joins.flush("room/1"); // before a leave on room/1
 */
import type { Member } from "../protocol/presence.ts";
import type { BrokerToWorker } from "../threads/messages.ts";
import type { Logger } from "../log/logger.ts";
import { namedError } from "../protocol/errorNames.ts";
import type { BrokerLinks } from "./brokerLinks.ts";
import type { SubscribeOptions } from "./channels.ts";

type SubAck = Extract<BrokerToWorker, { t: "subAck" }>;

/** The joins of one channel in one turn, and the one promise their sockets wait on. */
interface JoinBatch { members: Member[]; waiting: SubscribeOptions[]; done: Promise<void>; settle(): void }

export class PresenceJoins {
  readonly #batches = new Map<string, JoinBatch>();
  #scheduled = false;

  constructor(private readonly links: Pick<BrokerLinks, "request">, private readonly log?: Logger) {}

  /** Queue a socket's member (`options.member`); resolves once its reply (or failure) is sent. */
  add(channel: string, options: SubscribeOptions): Promise<void> {
    let batch = this.#batches.get(channel);
    if (!batch) {
      let settle!: () => void;
      const done = new Promise<void>((resolve) => { settle = resolve; });
      this.#batches.set(channel, batch = { members: [], waiting: [], done, settle });
    }
    batch.members.push(options.member!);
    batch.waiting.push(options);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
    return batch.done;
  }

  /** Post the joins gathered so far, of one channel or all (at the turn's end). */
  flush(channel?: string): void {
    if (channel === undefined) this.#scheduled = false;
    const batches = channel === undefined ? [...this.#batches] : this.#batches.has(channel) ? [[channel, this.#batches.get(channel)!] as const] : [];
    for (const [ch, batch] of batches) {
      this.#batches.delete(ch);
      const { members, waiting } = batch;
      const message = members.length === 1 ? { t: "sub" as const, ch, member: members[0] } : { t: "sub" as const, ch, members };
      this.links.request<SubAck>(ch, message).then((ack) => {
        const error = ack.error ? namedError(ack.error.name, ack.error.message) : null;
        this.#answer(waiting, error, batch.settle);
      }, (error: Error) => this.#answer(waiting, error, batch.settle));
    }
  }

  /** Reply to (or fail) every socket of a batch; one whose reply throws is logged and keeps no other waiting. */
  #answer(waiting: SubscribeOptions[], error: Error | null, settle: () => void): void {
    for (const options of waiting) {
      try {
        if (error) options.fail(error);
        else options.reply();
      } catch (thrown) {
        this.log?.error("Presence subscribe reply failed", { error: String((thrown as Error)?.stack ?? thrown) });
      }
    }
    settle();
  }
}
