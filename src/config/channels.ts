/**
 * Channel namespaces: options declared per channel pattern in the config's `channels:`
 * list. The first entry whose `match` fits a channel name wins; a channel that matches
 * nothing is ephemeral and behaves exactly as before namespaces existed.
 *
 * Patterns are globs over `/`-separated segments: `*` is exactly one segment (it never
 * spans a `/`), `**` any number of segments (zero or more), anything else is literal.
 *
 * @example
 * const find = namespaceMatcher([{ match: "chat/*", history: { size: 100, ttl: 600 }, latest: false }]);
 * find("chat/1")?.history?.size; // 100
 * find("chat/1/x"); // null
 */
import { z } from "zod";
import { rateSchema } from "./limits.ts";
import type { ChannelNamespace } from "./namespaces.ts";

export const channelNamespaceSchema = z.strictObject({
  match: z.string().min(1).describe("Channel pattern: * is one path segment, ** any depth"),
  history: z.strictObject({
    size: z.number().int().positive().describe("Publications kept per channel"),
    ttl: z.number().int().positive().describe("Seconds a publication is kept"),
  }).optional().describe("Keep recent publications: offsets, epochs and recovery after a reconnect"),
  latest: z.boolean().default(false).describe("A new subscriber gets the channel's last publication at once"),
  conflate: z.number().int().positive().optional()
    .describe("Milliseconds: each subscriber gets at most one publication per interval, the newest"),
  publish: rateSchema.optional().describe("Client publications per second per connection on matching channels (token bucket)"),
  presence: z.boolean().default(false).describe("Keep the member list: #presence, #presenceStats, exchange.presence"),
  joinLeave: z.boolean().default(false).describe("Also send #join and #leave to the channel's subscribers (implies presence)"),
});

export const channelsSchema = z.array(channelNamespaceSchema).default([])
  .describe("Options by channel pattern; the first match wins; unmatched channels are ephemeral");

// The options' type and the helpers live in namespaces.ts, which imports no zod (the
// sockets' and brokers' start-up path); the schema here must describe exactly that type.
export type { ChannelNamespace } from "./namespaces.ts";
export { hasPresence, keepsPublications, namespaceMatcher, pusherPresenceNamespace } from "./namespaces.ts";
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<z.infer<typeof channelNamespaceSchema>, ChannelNamespace> = true;
void schemaMatchesType;
