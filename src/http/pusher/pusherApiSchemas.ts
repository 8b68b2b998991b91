/**
 * The Pusher HTTP API's request shapes, in zod, with Pusher's published limits: event
 * names up to 200 characters, `data` a string, up to 100 channels per event, channel
 * names of `[A-Za-z0-9_\-=@,.;]` up to 164 characters, up to 10 events per batch,
 * `socket_id` of the form `\d+.\d+`. Unknown keys are ignored (SDKs add their own).
 *
 * @example
 * pusherApiSchemas.event.parse({ name: "greet", data: '{"text":"hi"}', channels: ["news"] });
 */
import { z } from "zod";
import { maxChannelNameLength, validChannelName } from "../../protocol/pusher/channelNames.ts";
/** Most channels one event may go to (Pusher's limit). */
export const maxEventChannels = 100;
/** Most events one batch may carry (Pusher's limit). */
export const maxBatchEvents = 10;

export const pusherChannel = z.string().min(1, "expected a non-empty channel name")
  .max(maxChannelNameLength, `expected at most ${maxChannelNameLength} characters`)
  .refine(validChannelName, "expected only letters, digits and _ - = @ , . ;");
const name = z.string().min(1, "expected a non-empty event name").max(200, "expected at most 200 characters");
const data = z.string({ error: (issue) => issue.input === undefined ? "expected a string (required)" : "expected a string: Pusher event data is text, often JSON" });
const socketId = z.string().regex(/^\d+\.\d+$/, "expected a socket id like \"123.456\"");
/** The comma-separated `info` attributes a request may ask for. */
export const infoAttributes = z.string().optional().transform((text, ctx) => {
  const attributes = (text ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const attribute of attributes) {
    if (attribute !== "user_count" && attribute !== "subscription_count") {
      ctx.addIssue({ code: "custom", message: `unknown attribute "${attribute}": expected user_count or subscription_count` });
      return z.NEVER;
    }
  }
  return new Set(attributes as Array<"user_count" | "subscription_count">);
});

export type InfoAttributes = Set<"user_count" | "subscription_count">;

export const pusherApiSchemas = {
  event: z.object({
    name, data,
    channel: pusherChannel.optional(),
    channels: z.array(pusherChannel).min(1, "expected at least one channel").max(maxEventChannels, `expected at most ${maxEventChannels} channels`).optional(),
    socket_id: socketId.optional(),
    info: infoAttributes,
  }).superRefine((event, ctx) => {
    if ((event.channel === undefined) === (event.channels === undefined)) {
      ctx.addIssue({ code: "custom", path: ["channels"], message: "give either channel or channels, not both or neither" });
    }
  }),
  batch: z.object({
    batch: z.array(z.object({ name, data, channel: pusherChannel, socket_id: socketId.optional(), info: infoAttributes }))
      .min(1, "expected at least one event").max(maxBatchEvents, `expected at most ${maxBatchEvents} events`),
  }),
  channelsQuery: z.object({ filter_by_prefix: z.string().optional(), info: infoAttributes }),
  channelQuery: z.object({ info: infoAttributes }),
};

export type PusherEventBody = z.infer<typeof pusherApiSchemas.event>;
export type PusherBatchBody = z.infer<typeof pusherApiSchemas.batch>;
