/**
 * A socket worker's side of webhooks: it listens to the worker events some target wants
 * (connect, disconnect, subscribe, unsubscribe) and sends each, as a WebhookEvent, to the
 * broker that owns its channel (connection events to the broker of ""), which queues and
 * delivers it. With no target for an event kind it does not even listen. Protocol
 * sessions that see client events (Pusher `client-*`) call `clientEvent`.
 *
 * @example
 * const webhooks = new WorkerWebhooks(webhookTargets(config), (channel, event) => links.post(channel, { t: "wh", ev: event }));
 * webhooks.listen(worker);
 * webhooks.clientEvent({ app: "1", channel: "private-chat", event: "client-typing", data: "{}", socketId: "1.2", userId: "ann" });
 */
import type { WebhookEventName } from "../config/webhooks.ts";
import type { WebhookTarget } from "./targets.ts";
import { type WebhookEvent, webhookEvent } from "./WebhookEvent.ts";

/** What the worker events hand over of a socket. */
export interface WebhookSocket {
  id: string;
  authToken: Record<string, unknown> | null;
}

/** The worker's event emitter, as far as webhooks use it. */
export interface WebhookEventSource {
  on(event: "connection" | "disconnection" | "subscription" | "unsubscription", listener: (...args: any[]) => void): unknown;
}

function userOf(socket: WebhookSocket): string | null {
  const sub = socket.authToken?.sub;
  return sub === undefined || sub === null ? null : String(sub);
}

export class WorkerWebhooks {
  readonly #targets: WebhookTarget[];

  constructor(targets: WebhookTarget[], private readonly send: (channel: string, event: WebhookEvent) => void) {
    this.#targets = targets;
  }

  /** Whether some target takes events of this kind (on this channel, when given). */
  wants(name: WebhookEventName, channel?: string): boolean {
    return this.#targets.some((target) => target.wants(name, channel));
  }

  /** Listen to the worker events some target wants. */
  listen(worker: WebhookEventSource): void {
    if (this.wants("connect")) {
      worker.on("connection", (socket: WebhookSocket) => this.#emit(webhookEvent("connect", { client: socket.id, user: userOf(socket) })));
    }
    if (this.wants("disconnect")) {
      worker.on("disconnection", (socket: WebhookSocket, code: number, reason: string) => {
        const fields: Partial<WebhookEvent> = { client: socket.id, user: userOf(socket), code };
        if (reason) fields.reason = reason;
        this.#emit(webhookEvent("disconnect", fields));
      });
    }
    for (const [kind, name] of [["subscription", "subscribe"], ["unsubscription", "unsubscribe"]] as const) {
      if (!this.wants(name)) continue;
      worker.on(kind, (socket: WebhookSocket, channel: string) => {
        if (this.wants(name, channel)) this.#emit(webhookEvent(name, { channel, client: socket.id, user: userOf(socket) }));
      });
    }
  }

  /**
   * A client event (Pusher `client-*`) a session let through: `app` is the Pusher app id
   * (only that app's Pusher-format targets get it; scx-format targets with client_event
   * get every app's), `data` as the client sent it.
   */
  clientEvent(event: { app?: string; channel: string; event: string; data: unknown; socketId: string; userId?: string | null }): void {
    if (!this.wants("client_event", event.channel)) return;
    const fields: Partial<WebhookEvent> = { channel: event.channel, event: event.event, data: event.data, client: event.socketId, user: event.userId ?? null };
    if (event.app !== undefined) fields.app = event.app;
    this.#emit(webhookEvent("client_event", fields));
  }

  #emit(event: WebhookEvent): void {
    this.send(event.channel ?? "", event);
  }
}
