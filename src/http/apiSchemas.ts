/**
 * The server API's request and response shapes, in zod: the routes validate with them
 * and the OpenAPI document (apiOpenApi.ts) is generated from them, so the two never drift.
 *
 * @example
 * const body = apiSchemas.publish.body.parse({ channel: "chat/1", data: { text: "hi" } });
 */
import { z } from "zod";
import { CloseCode } from "../protocol/closeCodes.ts";

const channel = z.string().min(1, "expected a non-empty channel name").refine((s) => !s.includes("\u0000"), "channel names cannot contain NUL")
  .describe("Channel name");
const data = z.unknown().refine((value) => value !== undefined, "expected a JSON value").describe("Any JSON value");
const user = z.string().min(1).describe("A user: the `sub` of the auth token of each of their connections");
const client = z.string().min(1).describe("A client: one connection's socket id");

/** Exactly one of user and client. */
function oneTarget<T extends { user?: string; client?: string }>(value: T, ctx: z.RefinementCtx): void {
  if ((value.user === undefined) === (value.client === undefined)) {
    ctx.addIssue({ code: "custom", path: ["user"], message: "give either user or client, not both or neither" });
  }
}

const position = z.object({ offset: z.number().int(), epoch: z.string() });
/** Set only when some host or thread did not answer in time: the sums beside it are partial. */
const unanswered = z.array(z.string()).optional()
  .describe("Present only when the answer is partial: each host or thread that did not answer, and why");
const targetCount = (name: string) => z.object({
  [name]: z.number().int().describe("Connections affected, summed over every worker and host that answered"),
  unanswered,
});

export const apiSchemas = {
  publish: {
    body: z.strictObject({ channel, data }),
    response: z.union([z.object({}), position]).describe("{} or, on history channels, the publication's offset and epoch"),
  },
  broadcast: {
    body: z.strictObject({ channels: z.array(channel).min(1, "expected at least one channel").max(1000), data }),
    response: z.object({ responses: z.array(z.union([z.object({}), position, z.object({ error: z.string() })])) }),
  },
  disconnect: {
    body: z.strictObject({
      user: user.optional(), client: client.optional(),
      code: z.number().int().refine((code) => code === CloseCode.Normal || (code >= 3000 && code <= 4999), "expected 1000 or a code from 3000 to 4999")
        .optional().describe("Close code: 1000 (the default) or 3000–4999"),
      reason: z.string().refine((text) => new TextEncoder().encode(text).length <= 123, "expected at most 123 bytes (UTF-8)")
        .optional().describe("Close reason, at most 123 bytes"),
    }).superRefine(oneTarget),
    response: targetCount("disconnected"),
  },
  subscribe: {
    body: z.strictObject({ channel, user: user.optional(), client: client.optional() }).superRefine(oneTarget),
    response: targetCount("subscribed"),
  },
  unsubscribe: {
    body: z.strictObject({ channel, user: user.optional(), client: client.optional() }).superRefine(oneTarget),
    response: targetCount("unsubscribed"),
  },
  presence: {
    query: z.strictObject({ channel }),
    response: z.object({
      members: z.array(z.object({
        client: z.string(), user: z.string().nullable(), info: z.record(z.string(), z.unknown()).nullable(),
      })),
    }),
  },
  presenceStats: {
    query: z.strictObject({ channel }),
    response: z.object({ clients: z.number().int(), users: z.number().int().describe("Distinct users (token sub)") }),
  },
  history: {
    query: z.strictObject({
      channel,
      limit: z.coerce.number().int().min(1).max(10000).optional().describe("Most publications returned"),
      since_offset: z.coerce.number().int().min(0).optional().describe("Publications after this offset (with since_epoch)"),
      since_epoch: z.string().min(1).optional().describe("The epoch since_offset belongs to"),
    }).refine((q) => (q.since_offset === undefined) === (q.since_epoch === undefined),
      { path: ["since_epoch"], message: "give since_offset and since_epoch together" }),
    response: z.object({ publications: z.array(z.object({ offset: z.number().int(), data: z.unknown() })), offset: z.number().int(), epoch: z.string() }),
  },
  channels: {
    query: z.strictObject({ pattern: z.string().optional().describe("Glob as in channels: (* one segment, ** any); default all") }),
    response: z.object({ channels: z.array(z.object({ channel: z.string(), subscribers: z.number().int() })), unanswered }),
  },
  info: {
    response: z.object({
      nodes: z.array(z.object({
        id: z.string(), version: z.string(), uptime: z.number().describe("Seconds"),
        workers: z.number().int(), brokers: z.number().int(), connections: z.number().int(),
        subscriptions: z.number().int(), channels: z.number().int(),
        error: z.string().optional().describe("Why this host's counts are missing or partial"),
      })),
    }),
  },
  error: z.object({ error: z.object({ name: z.string(), message: z.string() }) }),
};
