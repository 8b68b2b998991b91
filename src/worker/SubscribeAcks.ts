/**
 * The broker subscribe round trips of a worker's channels without a read: a new channel
 * posts one `sub`, and every subscribe to it meanwhile waits for that one `subAck`. The
 * reply is sent while the subAck is handled, so it precedes every publication the broker
 * sent after it. One closure per waiting subscribe, and a promise only for a caller that
 * cannot hold its socket's later packets itself (`SubscribeOptions.hold`): a subscribe of a
 * fresh channel waits on a broker round trip, and the promise chain through the inbound
 * queue was most of what that wait cost the worker (churn with a worker thread).
 *
 * @example
 * const acks = new SubscribeAcks(host.links);
 * await acks.replyOnAck("chat/1", true, options); // posts the sub; resolves once acknowledged("chat/1")
 */
import type { ChannelHost, SubscribeOptions } from "./LocalChannel.ts";

type Waiter = () => void;

export class SubscribeAcks {
  /** channel → what waits for the broker's subAck, in send order (one waiter without an array: churn's usual case) */
  readonly #waiting = new Map<string, Waiter | Waiter[]>();

  /**
   * `atOnce`: this is its host's sole worker (src/config/soleWorkerId.ts), sent every
   * publication by its brokers, so the `sub` still goes out (webhooks, metrics) but
   * `quiet`: nothing waits for an answer, and none comes (nor a wake-up of this thread).
   */
  constructor(private readonly links: ChannelHost["links"], private readonly atOnce = false) {}

  /**
   * The reply: at once when this worker's broker already has the channel (not `created`,
   * nothing waiting), else once its subAck is handled. A caller that can hold its socket's
   * later packets (`options.hold`) gets no promise: its release follows the reply.
   */
  replyOnAck(channel: string, created: boolean, options: SubscribeOptions): void | Promise<void> {
    if (this.atOnce) {
      if (created) this.links.post(channel, { t: "sub", ch: channel, quiet: 1 });
      return options.reply();
    }
    const waiting = this.#waiting.get(channel);
    if (!created && !waiting) return options.reply();
    if (created) this.links.post(channel, { t: "sub", ch: channel });
    // Without a hold, the promise settles as a release would: the caller's chain keeps the order.
    const release = options.hold?.();
    if (release) return this.#wait(channel, waiting, replyThen(options, release));
    return new Promise<void>((resolve, reject) => this.#wait(channel, waiting,
      replyThen(options, (error) => error === undefined ? resolve() : reject(error))));
  }

  #wait(channel: string, waiting: Waiter | Waiter[] | undefined, waiter: Waiter): void {
    if (waiting === undefined) this.#waiting.set(channel, waiter);
    else if (typeof waiting === "function") this.#waiting.set(channel, [waiting, waiter]);
    else waiting.push(waiter);
  }

  /** The broker answered an id-less subscribe (or a restarted broker got this channel in a resync). */
  acknowledged(channel: string): void {
    // One subAck answers everything queued for the channel so far.
    const waiting = this.#waiting.get(channel);
    if (!waiting) return;
    this.#waiting.delete(channel);
    if (typeof waiting === "function") return waiting();
    for (const waiter of waiting) waiter();
  }
}

/** Send the reply, then release: with the reply's error if it threw (never past a waiter, so its channel's others still get theirs). */
function replyThen(options: SubscribeOptions, release: (error?: unknown) => void): Waiter {
  return () => {
    try {
      options.reply();
    } catch (error) {
      return release(error);
    }
    release();
  };
}
