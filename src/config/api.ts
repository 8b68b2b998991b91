/**
 * The server HTTP API's settings (`api:` in the config): the key every request under
 * /api/ and /metrics must carry (`Authorization: apikey <key>`), and an optional port of
 * its own (like Centrifugo's internal port). No key: the API is off.
 *
 * @example
 * apiSchema.parse({ key: "s3cret", port: 9000 }); // { key: "s3cret", port: 9000, host: "127.0.0.1" }
 */
import { z } from "zod";

export const apiSchema = z.strictObject({
  key: z.string().min(16, "at least 16 characters").optional()
    .describe("API key: requests send Authorization: apikey <key>; no key turns the API off"),
  port: z.number().int().min(0).max(65535).optional()
    .describe("Serve /api/, /metrics and /admin/ on this port (main thread) instead of the public port"),
  host: z.string().default("127.0.0.1").describe("Address of api.port"),
});

export type ApiConfig = z.infer<typeof apiSchema>;
