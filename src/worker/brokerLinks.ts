/**
 * A worker's links to every broker: which broker owns a channel, requests that wait for
 * an answer (by id), what is held while a broker restarts, and the resync to its
 * successor. Requests a dead broker never answered are sent again to its successor
 * (reads and subscribes are safe to repeat); publications among them fail with a
 * BrokerError, since nobody can tell whether they went out. Publications without an id
 * (acknowledged to their publisher as soon as they are sent) are numbered and kept until
 * their broker confirms it forwarded them (pubOutbox.ts); a restarted broker gets the
 * unconfirmed ones again, and a replay this worker already received is dropped here.
 *
 * @example
 * const links = new BrokerLinks(ports.map(portLink), log, (message, index) => handle(message, index));
 * const ack = await links.request("chat/1", { t: "pub", ch: "chat/1", json: '"hi"' });
 */
import type { Link } from "../threads/Link.ts";
import type { BrokerToWorker, WorkerToBroker } from "../threads/messages.ts";
import type { Logger } from "../log/logger.ts";
import type { Member } from "../protocol/presence.ts";
import { brokerIndex } from "../protocol/channelHash.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { PubOutbox, Seen } from "./pubOutbox.ts";

export type BrokerLink = Link<BrokerToWorker, WorkerToBroker>;
type Answer = Extract<BrokerToWorker, { id?: number }>;
type Request = Extract<WorkerToBroker, { id?: number }>;
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

interface Pending { index: number; message: Request; resolve(answer: Answer): void; reject(error: Error): void; resend: boolean }

/** Most messages held for one restarting broker before the oldest are dropped. */
const heldLimit = 100_000;

export class BrokerLinks {
  readonly #links: BrokerLink[];
  /** broker index → messages held while that broker restarts */
  readonly #held = new Map<number, WorkerToBroker[]>();
  readonly #pending = new Map<number, Pending>();
  /** broker index → its cluster engine's state */
  readonly engineStates = new Map<number, string>();
  #nextId = 0;
  /** broker index → publications it has not confirmed */
  readonly #outboxes: PubOutbox[];
  /** broker index → the newest publication number received through it, per publishing worker */
  readonly #seen: Seen[];

  constructor(
    links: BrokerLink[],
    private readonly log: Logger,
    private readonly onMessage: (message: BrokerToWorker, index: number) => void,
  ) {
    this.#links = links;
    this.#outboxes = links.map((_, index) => new PubOutbox(log, index));
    this.#seen = links.map(() => new Seen());
    links.forEach((link, index) => link.onMessage((message) => this.#receive(message, index)));
  }

  get count(): number {
    return this.#links.length;
  }

  indexOf(channel: string): number {
    return brokerIndex(channel, this.#links.length);
  }

  /** Send to the broker that owns the channel (a publication without id is kept until it is forwarded). */
  post(channel: string, message: WorkerToBroker): void {
    const index = this.indexOf(channel);
    if (message.t === "pub" && message.id === undefined) {
      this.#outboxes[index]!.keep(message);
      // While the broker restarts its successor gets it from the outbox, in order.
      if (this.#held.has(index)) return;
    }
    this.#links[index]!.post(message);
  }

  /** Publications sent to the broker that it has not confirmed yet. */
  unconfirmed(index: number): number {
    return this.#outboxes[index]!.size;
  }

  /** Send a request to the channel's broker; resolves with the answer carrying its id. */
  request<A extends Answer = Answer>(channel: string, message: WithoutId<Request>): Promise<A> {
    const id = ++this.#nextId;
    const index = this.indexOf(channel);
    const full = { ...message, id } as Request;
    return new Promise<A>((resolve, reject) => {
      this.#pending.set(id, { index, message: full, resolve: resolve as (a: Answer) => void, reject, resend: false });
      this.#links[index]!.post(full);
    });
  }

  #receive(message: BrokerToWorker, index: number): void {
    if (message.t === "engine") {
      this.engineStates.set(index, message.state);
      return;
    }
    if (message.t === "fwd") return this.#outboxes[index]!.confirm(message.s);
    // A numbered publication this worker already had (a restarted broker replays it): dropped.
    if (message.t === "pub" && message.s !== undefined && !this.#seen[index]!.fresh(message.w!, message.s)) return;
    const id = (message as { id?: number }).id;
    if (id !== undefined && message.t !== "pub") {
      const pending = this.#pending.get(id);
      if (!pending) return;
      this.#pending.delete(id);
      return pending.resolve(message as Answer);
    }
    this.onMessage(message, index);
  }

  /**
   * A broker restarted: talk to it over its new link, tell it the channels `chs` it owns
   * that this worker wants (and its presence members there), then send what was held,
   * then repeat unanswered requests.
   */
  replace(index: number, link: BrokerLink, chs: string[], members: Array<{ ch: string; member: Member }> = []): void {
    this.#links[index]?.close();
    this.#links[index] = link;
    link.onMessage((message) => this.#receive(message, index));
    link.post(members.length ? { t: "resync", chs, members } : { t: "resync", chs });
    for (const pending of this.#pending.values()) {
      if (pending.index === index && pending.resend) {
        pending.resend = false;
        link.post(pending.message);
      }
    }
    // Publications the dead broker never confirmed (and those sent since), then what else was held.
    for (const message of this.#outboxes[index]!.unconfirmed()) link.post(message);
    for (const message of this.#held.get(index) ?? []) link.post(message);
    this.#held.delete(index);
  }

  /** Close every link (the worker is gone). */
  close(): void {
    for (const link of this.#links) link.close();
    for (const outbox of this.#outboxes) outbox.close();
  }

  /**
   * A broker died: until its successor is attached, hold what this worker would send it
   * (bounded: past `heldLimit` messages the oldest are dropped and counted).
   */
  down(index: number): void {
    if (this.#held.has(index)) return;
    for (const [id, pending] of this.#pending) {
      if (pending.index !== index) continue;
      if (pending.message.t === "pub") {
        this.#pending.delete(id);
        pending.reject(namedError(ErrorName.Broker, `The broker of the ${pending.message.ch} channel restarted before confirming the publication`));
      } else {
        pending.resend = true;
      }
    }
    const held: WorkerToBroker[] = [];
    this.#held.set(index, held);
    this.#links[index] = {
      post: (message) => {
        if (held.length >= heldLimit) {
          held.shift();
          this.log.warn("Dropped a message held for a restarting broker", { broker: index });
        }
        held.push(message);
      },
      onMessage: () => {},
      close: () => {},
    };
  }
}
