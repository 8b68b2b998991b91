/**
 * The broker subscribe round trips of a worker's channels without a read: a new channel
 * posts one `sub`, and every subscribe to it meanwhile waits for that one `subAck`. The
 * reply is sent while the subAck is handled, so it precedes every publication the broker
 * sent after it. One promise and one closure per waiting subscribe, nothing per channel
 * beyond the waiting list.
 *
 * @example
 * const acks = new SubscribeAcks(host.links);
 * await acks.replyOnAck("chat/1", true, options); // posts the sub; resolves once acknowledged("chat/1")
 */
import type { ChannelHost, SubscribeOptions } from "./LocalChannel.ts";

export class SubscribeAcks {
  /** channel → resolvers waiting for the broker's subAck, in send order */
  readonly #waiting = new Map<string, Array<() => void>>();

  constructor(private readonly links: ChannelHost["links"]) {}

  /**
   * The reply: at once when this worker's broker already has the channel (not `created`,
   * nothing waiting), else once its subAck is handled.
   */
  replyOnAck(channel: string, created: boolean, options: SubscribeOptions): void | Promise<void> {
    let waiting = this.#waiting.get(channel);
    if (!created && !waiting) return options.reply();
    if (!waiting) this.#waiting.set(channel, waiting = []);
    if (created) this.links.post(channel, { t: "sub", ch: channel });
    const list = waiting;
    return new Promise<void>((resolve, reject) => list.push(() => {
      try {
        options.reply();
        resolve();
      } catch (error) {
        reject(error);
      }
    }));
  }

  /** The broker answered an id-less subscribe (or a restarted broker got this channel in a resync). */
  acknowledged(channel: string): void {
    // One subAck answers everything queued for the channel so far.
    const waiting = this.#waiting.get(channel);
    if (!waiting) return;
    this.#waiting.delete(channel);
    for (const resolve of waiting) resolve();
  }
}
