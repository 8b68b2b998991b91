/**
 * The `limits:` section: rate limits per connection, connection caps per IP and per user,
 * and the outbound buffer past which a slow consumer is closed (or loses publications).
 * Every limit is off unless set, except `outboundBuffer` (1 MiB) and `slowConsumer`.
 * Per-namespace publish rates live beside the namespace (`channels: [{ publish }]`).
 *
 * @example
 * const limits = limitsSchema.parse({ inbound: { rate: 100, burst: 200 }, connectionsPerUser: 3 });
 * limits.outboundBuffer; // 1048576
 */
import { z } from "zod";

/** A token bucket: `rate` per second on average, at most `burst` at once. */
export const rateSchema = z.strictObject({
  rate: z.number().positive().describe("Average allowed per second"),
  burst: z.number().int().positive().describe("Most allowed at once (the bucket's size)"),
});

export const limitsSchema = z.strictObject({
  inbound: rateSchema.optional()
    .describe("Packets per second per connection (token bucket); over it an invoke gets RateLimitError, a transmit or publish is dropped"),
  closeAfter: z.number().positive().default(10)
    .describe("Seconds a connection may stay over a rate limit (inbound or publish) before close 4010"),
  connectionsPerIp: z.number().int().positive().optional()
    .describe("Most connections from one IP address: per host with the memory engine, cluster-wide with Redis"),
  connectionsPerUser: z.number().int().positive().optional()
    .describe("Most connections of one user (the auth token's sub), checked on handshake and on later authentication: per host, or cluster-wide with Redis"),
  outboundBuffer: z.number().int().positive().default(1048576)
    .describe("Bytes buffered for a socket that does not read before it is a slow consumer"),
  slowConsumer: z.enum(["disconnect", "drop"]).default("disconnect")
    .describe("A slow consumer is closed with 4011 (disconnect) or loses publications until it drains (drop)"),
});

export type LimitsConfig = z.infer<typeof limitsSchema>;
export type RateConfig = z.infer<typeof rateSchema>;
