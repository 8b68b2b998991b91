/**
 * The `pusher:` section: Pusher Channels apps served beside the SocketCluster path. A
 * WebSocket upgrade on `/app/{key}` speaks the Pusher protocol (version 7) for the app
 * with that key; the Pusher HTTP API answers under `/apps/{id}/`, signed with its secret.
 * No apps (the default): neither path exists.
 *
 * @example
 * pusherSchema.parse({ apps: [{ id: "1", key: "app-key", secret: "app-secret" }] });
 * // { apps: [{ id: "1", key: "app-key", secret: "app-secret", clientEvents: false }] }
 */
import { z } from "zod";

export const pusherAppSchema = z.strictObject({
  id: z.string().min(1).describe("App id: the Pusher HTTP API's /apps/{id}/ path"),
  key: z.string().min(1).regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only").describe("App key: clients connect to /app/{key}; signs with the secret"),
  secret: z.string().min(8, "at least 8 characters").describe("App secret: signs private and presence channel auth, the HTTP API and webhooks"),
  clientEvents: z.boolean().default(false).describe("Let clients send client-* events on private and presence channels"),
  webhooks: z.array(z.strictObject({
    url: z.string().regex(/^https?:\/\//, "an http:// or https:// URL").describe("Where Pusher-format batches are POSTed"),
    events: z.array(z.enum(["channel_occupied", "channel_vacated", "member_added", "member_removed", "client_event"])).min(1)
      .describe("Events this endpoint receives"),
  })).optional().describe("Pusher-format webhooks: X-Pusher-Key and X-Pusher-Signature (hex HMAC-SHA256 of the body with the app secret); see Webhooks"),
});

export const pusherSchema = z.strictObject({
  apps: z.array(pusherAppSchema).default([]).describe("Pusher apps; none turns the Pusher protocol off"),
}).superRefine((pusher, ctx) => {
  for (const field of ["id", "key"] as const) {
    const seen = new Set<string>();
    pusher.apps.forEach((app, index) => {
      if (seen.has(app[field])) ctx.addIssue({ code: "custom", path: ["apps", index, field], message: `duplicate app ${field} "${app[field]}"` });
      seen.add(app[field]);
    });
  }
});

export type PusherConfig = z.infer<typeof pusherSchema>;
export type PusherApp = z.infer<typeof pusherAppSchema>;
