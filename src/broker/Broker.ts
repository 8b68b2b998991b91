/**
 * A broker owns a shard of channels: which workers have subscribers for each, and it
 * forwards every publication once to each interested worker.
 *
 * @example
 * const broker = new Broker();
 * broker.attachWorker(0, link);
 */
import type { Link } from "../threads/Link.ts";
import type { BrokerToWorker, WorkerToBroker } from "../threads/messages.ts";

type WorkerLink = Link<WorkerToBroker, BrokerToWorker>;

export class Broker {
  readonly #workers = new Map<number, WorkerLink>();
  /** channel → ids of workers with local subscribers */
  readonly #channels = new Map<string, Set<number>>();
  /** Called for every publication this broker accepts (the cluster engine hooks in here). */
  onPublish: ((channel: string, frame: string) => void) | null = null;

  attachWorker(id: number, link: WorkerLink): void {
    this.detachWorker(id);
    this.#workers.set(id, link);
    link.onMessage((message) => this.#handle(id, link, message));
  }

  /** Forget a worker and every subscription it held (it died or left). */
  detachWorker(id: number): void {
    if (!this.#workers.delete(id)) return;
    for (const [channel, ids] of this.#channels) {
      if (ids.delete(id) && ids.size === 0) this.#channels.delete(channel);
    }
  }

  /** Channels with at least one subscribed worker. */
  channels(): string[] {
    return [...this.#channels.keys()];
  }

  /** Deliver a publication to every interested worker (also used by the cluster engine). */
  deliver(channel: string, frame: string): void {
    const ids = this.#channels.get(channel);
    if (!ids) return;
    for (const id of ids) this.#workers.get(id)?.post({ t: "pub", ch: channel, frame });
  }

  #handle(id: number, link: WorkerLink, message: WorkerToBroker): void {
    switch (message.t) {
      case "pub":
        this.deliver(message.ch, message.frame);
        this.onPublish?.(message.ch, message.frame);
        return;
      case "sub":
        this.#add(id, message.ch);
        link.post({ t: "subAck", ch: message.ch });
        return;
      case "unsub": {
        const ids = this.#channels.get(message.ch);
        if (ids?.delete(id) && ids.size === 0) this.#channels.delete(message.ch);
        return;
      }
      case "resync":
        for (const channel of message.chs) this.#add(id, channel);
        return;
    }
  }

  #add(id: number, channel: string): void {
    let ids = this.#channels.get(channel);
    if (!ids) this.#channels.set(channel, ids = new Set());
    ids.add(id);
  }
}
