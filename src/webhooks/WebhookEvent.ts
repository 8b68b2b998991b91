/**
 * One lifecycle event as scx records it, before a target formats it: what happened
 * (`name`), a unique `id` receivers dedupe by, when (`at`, epoch ms), and the fields of
 * its kind. Plain data: it crosses from a socket worker to the channel's broker.
 *
 * @example
 * webhookEvent("subscribe", { channel: "chat", client: "Xa1", user: "ann" });
 * // { name: "subscribe", id: "0f3c…", at: 1767225600000, channel: "chat", client: "Xa1", user: "ann" }
 */
import type { WebhookEventName } from "../config/webhooks.ts";

export type { WebhookEventName };

export interface WebhookEvent {
  name: WebhookEventName;
  id: string;
  at: number;
  channel?: string;
  /** The socket (SocketCluster socket id, Pusher socket_id). */
  client?: string;
  /** The auth token's `sub` (SocketCluster) or `user_id` (Pusher); null for an anonymous socket. */
  user?: string | null;
  /** disconnect: the close code and reason. */
  code?: number;
  reason?: string;
  /** client_event: the Pusher event name, its data (as sent), and the app it belongs to. */
  event?: string;
  data?: unknown;
  app?: string;
}

/** A new event with a fresh id and the current time. */
export function webhookEvent(name: WebhookEventName, fields: Omit<WebhookEvent, "name" | "id" | "at"> = {}): WebhookEvent {
  return { name, id: crypto.randomUUID(), at: Date.now(), ...fields };
}
