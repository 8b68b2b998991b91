/**
 * The `webhooks:` section: HTTP endpoints told about lifecycle events, signed with
 * `X-Scx-Signature: sha256=<hex HMAC-SHA256 of the body>`, batched, retried with backoff,
 * and (with the Redis engine) kept in Redis until delivered.
 *
 * @example
 * webhooksSchema.parse([{ url: "https://app.example/hooks", secret: "s3cret-s3cret", events: ["channel_occupied"] }]);
 */
import { z } from "zod";

export const webhookEvents = [
  "connect", "disconnect", "subscribe", "unsubscribe", "channel_occupied", "channel_vacated",
  "member_added", "member_removed", "client_event",
] as const;
export type WebhookEventName = (typeof webhookEvents)[number];

export const webhookSchema = z.strictObject({
  url: z.string().regex(/^https?:\/\//, "an http:// or https:// URL").describe("Where batches are POSTed"),
  events: z.array(z.enum(webhookEvents)).min(1).describe("Events this endpoint receives"),
  secret: z.string().min(8, "at least 8 characters").describe("Signs each body: X-Scx-Signature: sha256=<hex HMAC-SHA256>"),
  channels: z.array(z.string().min(1)).optional().describe("Only events on channels matching these patterns (* one segment, ** any depth); connect and disconnect always pass"),
  batchMs: z.number().int().min(0).default(100).describe("Milliseconds events wait to share one POST"),
  maxBatch: z.number().int().positive().default(100).describe("Most events in one POST"),
  vacateDelay: z.number().int().min(0).default(3000).describe("Milliseconds a channel must stay empty, cluster-wide, before channel_vacated"),
  timeout: z.number().int().positive().default(5000).describe("Milliseconds a POST may take before it counts as failed"),
  retryFor: z.number().positive().default(3600).describe("Seconds a failing batch is retried (backoff with jitter, at most 30 s apart) before it is dropped and counted"),
  queueLimit: z.number().int().positive().default(100000).describe("Most events waiting for this endpoint; past it new events are dropped, counted and logged"),
});

export const webhooksSchema = z.array(webhookSchema).default([])
  .describe("Lifecycle webhooks (see Webhooks)");

export type WebhookConfig = z.infer<typeof webhookSchema>;
