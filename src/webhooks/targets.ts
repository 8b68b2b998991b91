/**
 * Webhook targets from the config: the `webhooks:` entries (scx format) and each Pusher
 * app's `webhooks:` (Pusher format), each with what it accepts, how it formats one event,
 * and how it signs a body. A target's id is a hash of what defines its queue (format,
 * URL, app, events, channels), so every host with the same config shares one queue.
 *
 * scx body: `{"time_ms":…,"events":[{"name":…,"id":…,"at":…,"channel":…,…}]}`, header
 * `X-Scx-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>`.
 * Pusher body: `{"time_ms":…,"events":[{"name":"member_added","channel":…,"user_id":…}]}`,
 * headers `X-Pusher-Key: <app key>`, `X-Pusher-Signature: <hex HMAC-SHA256 with the app secret>`.
 *
 * @example
 * const [target] = webhookTargets(config);
 * target.accepts(event) && target.format(event); // the event's JSON text for this target
 */
import { createHash, createHmac } from "node:crypto";
import type { Config } from "../config/schema.ts";
import type { WebhookEventName } from "../config/webhooks.ts";
import { type ChannelNamespace, namespaceMatcher } from "../config/namespaces.ts";
import type { WebhookEvent } from "./WebhookEvent.ts";

export interface WebhookTarget {
  id: string;
  url: string;
  /** The body and signature style. */
  kind: "scx" | "pusher";
  events: ReadonlySet<WebhookEventName>;
  batchMs: number;
  maxBatch: number;
  vacateDelay: number;
  timeoutMs: number;
  retryForMs: number;
  queueLimit: number;
  /** Whether this target gets the event (its kind, channel and app). */
  accepts(event: WebhookEvent): boolean;
  /** Whether it gets events of this kind on this channel (before any event exists). */
  wants(name: WebhookEventName, channel?: string): boolean;
  /** The event as this target's JSON text. */
  format(event: WebhookEvent): string;
  /** The body and headers of one POST of formatted events. */
  request(events: string[], now: number): { body: string; headers: Record<string, string> };
}

/** Channel names Pusher allows (the Pusher format only reports these). */
const pusherName = /^[A-Za-z0-9_\-=@,.;]+$/;

function hmac(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

function targetId(parts: unknown[]): string {
  return createHash("sha1").update(JSON.stringify(parts)).digest("hex").slice(0, 12);
}

function body(events: string[], now: number): string {
  return `{"time_ms":${now},"events":[${events.join(",")}]}`;
}

/** Every webhook target the config names, scx-format first. */
export function webhookTargets(config: Pick<Config, "webhooks"> & { pusher?: Pick<Config["pusher"], "apps"> }): WebhookTarget[] {
  const targets: WebhookTarget[] = [];
  for (const hook of config.webhooks ?? []) {
    const events = new Set(hook.events);
    // The channels: patterns match as namespace patterns do (* one segment, ** any depth).
    const find = hook.channels ? namespaceMatcher(hook.channels.map((match) => ({ match }) as ChannelNamespace)) : null;
    const channelOk = (channel: string | undefined) => channel === undefined || !find || find(channel) !== null;
    targets.push({
      id: targetId(["scx", hook.url, [...events].sort(), hook.channels ?? null]),
      url: hook.url, kind: "scx", events,
      batchMs: hook.batchMs, maxBatch: hook.maxBatch, vacateDelay: hook.vacateDelay, timeoutMs: hook.timeout,
      retryForMs: hook.retryFor * 1000, queueLimit: hook.queueLimit,
      wants: (name, channel) => events.has(name) && channelOk(channel),
      accepts: (event) => events.has(event.name) && channelOk(event.channel),
      format: (event) => JSON.stringify(event),
      request: (events, now) => {
        const text = body(events, now);
        return { body: text, headers: { "content-type": "application/json", "x-scx-signature": `sha256=${hmac(hook.secret, text)}` } };
      },
    });
  }
  for (const app of config.pusher?.apps ?? []) {
    for (const hook of (app as { webhooks?: Array<{ url: string; events: WebhookEventName[] }> }).webhooks ?? []) {
      const events = new Set(hook.events);
      const wants = (name: WebhookEventName, channel?: string) => events.has(name) && (channel === undefined || pusherName.test(channel));
      targets.push({
        id: targetId(["pusher", hook.url, app.id, [...events].sort()]),
        url: hook.url, kind: "pusher", events,
        batchMs: 100, maxBatch: 100, vacateDelay: 3000, timeoutMs: 5000, retryForMs: 3_600_000, queueLimit: 100_000,
        wants,
        accepts: (event) => event.channel !== undefined && wants(event.name, event.channel) && (event.app === undefined || event.app === app.id) && (event.name !== "member_added" && event.name !== "member_removed" || typeof event.user === "string"),
        format: pusherEvent,
        request: (events, now) => {
          const text = body(events, now);
          return { body: text, headers: { "content-type": "application/json", "x-pusher-key": app.key, "x-pusher-signature": hmac(app.secret, text) } };
        },
      });
    }
  }
  return targets;
}

/** An event as Pusher documents its webhooks. */
function pusherEvent(event: WebhookEvent): string {
  switch (event.name) {
    case "member_added":
    case "member_removed":
      return JSON.stringify({ name: event.name, channel: event.channel, user_id: event.user });
    case "client_event": {
      const out: Record<string, unknown> = { name: "client_event", channel: event.channel, event: event.event, data: typeof event.data === "string" ? event.data : JSON.stringify(event.data), socket_id: event.client };
      if (typeof event.user === "string") out.user_id = event.user;
      return JSON.stringify(out);
    }
    default:
      return JSON.stringify({ name: event.name, channel: event.channel });
  }
}
