/**
 * The one config schema: every key, its default and its description. It is the source of
 * the `Config` type, the JSON Schema (`scx config schema`) and the README's config reference.
 *
 * @example
 * const config = configSchema.parse({ port: 9000 }); // every other key at its default
 */
import { z } from "zod";
import { channelsSchema } from "./channels.ts";
import { apiSchema } from "./api.ts";
import { adminSchema } from "./admin.ts";
import { limitsSchema } from "./limits.ts";
import { pusherSchema } from "./pusher.ts";
import { webhooksSchema } from "./webhooks.ts";

const logLevel = z.enum(["debug", "info", "warn", "error", "silent"]);

export const authSchema = z.strictObject({
  algorithm: z.enum(["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "ES512", "EdDSA"])
    .default("HS256").describe("JWT signing algorithm; verification accepts only this one"),
  key: z.string().min(1).optional().describe("Shared secret for HS* algorithms"),
  keyFile: z.string().optional().describe("File holding the secret (HS*) or the PEM private key (RS*, ES*, EdDSA)"),
  publicKeyFile: z.string().optional().describe("PEM public key file for asymmetric algorithms"),
  kid: z.string().optional().describe("Key id written into new tokens' header"),
  verifyKeys: z.array(z.strictObject({
    kid: z.string(),
    key: z.string().optional(),
    keyFile: z.string().optional(),
  })).default([]).describe("Older keys, by kid, that still verify tokens (key rotation)"),
  defaultExpiry: z.number().int().positive().default(86400).describe("Token lifetime in seconds when setAuthToken gives none"),
  issuer: z.string().optional().describe("iss written into tokens and required when verifying"),
  audience: z.string().optional().describe("aud written into tokens and required when verifying"),
});

export const configSchema = z.strictObject({
  host: z.string().default("0.0.0.0").describe("Address to listen on"),
  port: z.number().int().min(0).max(65535).default(8000).describe("TCP port for HTTP and WebSocket (0 picks a free one)"),
  path: z.string().startsWith("/").default("/socketcluster/").describe("WebSocket path; other paths answer 400 to an upgrade"),
  protocolVersion: z.union([z.literal(1), z.literal(2)]).default(2)
    .describe("Ping format: 2 sends empty frames (socketcluster-client v15+), 1 sends #1 (third-party SDKs)"),
  pingInterval: z.number().int().positive().default(8000).describe("Milliseconds between server pings"),
  pingTimeout: z.number().int().positive().default(20000).describe("Milliseconds without a pong before close 4001; announced in the handshake"),
  ackTimeout: z.number().int().positive().default(10000).describe("Milliseconds a server invoke waits for the client's response"),
  handshakeTimeout: z.number().int().positive().default(10000).describe("Milliseconds a new socket has to send #handshake before close 4005"),
  maxPayload: z.number().int().positive().default(1048576).describe("Largest inbound frame in bytes; larger closes with 1009"),
  socketChannelLimit: z.number().int().positive().nullable().default(1000).describe("Most channels one socket may subscribe to (null: no limit)"),
  allowClientPublish: z.boolean().default(true).describe("Whether clients may #publish"),
  origins: z.union([z.string(), z.array(z.string())]).default("*:*")
    .describe("Allowed Origin headers as host:port patterns (* for any part); others get 403"),
  static: z.string().nullable().default(null).describe("Folder served over HTTP (relative to the config file)"),
  logLevel: logLevel.default("info").describe("Least severe level written to the log"),
  logFormat: z.enum(["auto", "json", "pretty"]).default("auto").describe("json lines, readable lines, or auto (pretty on a terminal)"),
  workers: z.number().int().min(0).nullable().default(null)
    .describe("Socket worker threads (null: one per CPU the process may use, its cgroup quota included, on Linux; 1 elsewhere; 0: run in the main thread)"),
  brokers: z.number().int().min(1).default(1).describe("Broker threads, each owning a shard of channels"),
  drainTimeout: z.number().int().min(0).default(5000).describe("Milliseconds to let clients close on SIGTERM/SIGINT before exit"),
  worker: z.string().nullable().default(null).describe("Worker script (.ts or .js) loaded in every worker, relative to the config file"),
  codec: z.enum(["json", "msgpack", "sc-codec-min-bin"]).default("json")
    .describe("Wire format: json text frames, or binary MessagePack frames (msgpack; sc-codec-min-bin for socketcluster-client's codecEngine)"),
  contracts: z.union([
    z.string().transform((file) => ({ file, checkOutputs: false })),
    z.strictObject({
      file: z.string().describe("Contracts module (.ts or .js), relative to the config file"),
      checkOutputs: z.boolean().default(false).describe("Also validate procedure outputs (for development)"),
    }),
  ]).nullable().default(null).describe("Contracts module validating publish, invoke and transmit payloads (see Contracts); a path or { file, checkOutputs }"),
  auth: authSchema.prefault({}).describe("JWT settings"),
  channels: channelsSchema,
  limits: limitsSchema.prefault({}).describe("Rate limits, connection caps and slow consumers (see Limits)"),
  presence: z.strictObject({
    ttl: z.number().positive().default(30).describe("Seconds a killed host's members can linger (Redis engine) before a live host removes them"),
    listLimit: z.number().int().positive().default(1000).describe("Most members #presence lists; above it the client gets PresenceLimitError (use #presenceStats)"),
  }).prefault({}).describe("Who is in a channel (namespaces with presence: true)"),
  api: apiSchema.prefault({}).describe("Server HTTP API under /api/ (off without a key)"),
  admin: adminSchema.prefault({}).describe("Admin page at /admin/ (off without a password)"),
  pusher: pusherSchema.prefault({}).describe("Pusher Channels apps on /app/{key} and /apps/{id}/ (see Pusher)"),
  webhooks: webhooksSchema,
  cluster: z.strictObject({
    engine: z.enum(["memory", "redis"]).default("memory").describe("memory: one host; redis: hosts share channels through Redis"),
    urls: z.array(z.string().regex(/^rediss?:\/\//, "a redis:// or rediss:// URL")).default(["redis://127.0.0.1:6379"])
      .describe("Redis instances; channels are sharded over them by consistent hashing"),
    prefix: z.string().default("scx:").describe("Prefix of every Redis channel name, to share one Redis between apps"),
  }).prefault({}).describe("How hosts share channels"),
  tls: z.strictObject({
    certFile: z.string().describe("PEM certificate chain file"),
    keyFile: z.string().describe("PEM private key file"),
  }).nullable().default(null).describe("Serve HTTPS and WSS on the same port (paths relative to the config file)"),
});

/** The validated configuration every part of scx receives. */
export type Config = z.infer<typeof configSchema>;
export type AuthConfig = z.infer<typeof authSchema>;

/** Defaults only: what `scx serve` runs with no file. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
