/**
 * The Pusher wire format (protocol 7): every frame is a JSON object `{ event, channel?,
 * data }` whose `data` scx always sends as JSON text, as Pusher does; inbound frames
 * are read into one typed union, so a session never touches raw JSON. Pure.
 *
 * @example
 * parsePusherFrame('{"event":"pusher:subscribe","data":{"channel":"news"}}'); // { kind: "subscribe", channel: "news" }
 * eventFrame(PusherEvent.subscriptionSucceeded, {}, "news"); // '{"event":"pusher_internal:subscription_succeeded","channel":"news","data":"{}"}'
 */
import { clientEventPrefix, PusherEvent } from "./events.ts";
import { PusherCode, type PusherCodeNumber } from "./errorCodes.ts";

export type PusherInbound =
  | { kind: "ping" }
  | { kind: "pong" }
  | { kind: "subscribe"; channel: string; auth?: string; channelData?: string }
  | { kind: "unsubscribe"; channel: string }
  | { kind: "signin"; auth: string; userData: string }
  | { kind: "client"; event: string; channel: string; data: unknown }
  /** Not a frame scx understands: answered with pusher:error `code`. */
  | { kind: "invalid"; code: PusherCodeNumber; message: string };

function invalid(message: string): PusherInbound {
  return { kind: "invalid", code: PusherCode.InvalidMessage, message };
}

/** An event's data: an object, or (some clients) its JSON text. */
function objectData(data: unknown): Record<string, unknown> | null {
  if (typeof data === "string") {
    try {
      data = JSON.parse(data);
    } catch {
      return null;
    }
  }
  return typeof data === "object" && data !== null && !Array.isArray(data) ? data as Record<string, unknown> : null;
}

/** Read one inbound frame. Never throws. */
export function parsePusherFrame(frame: string | Uint8Array): PusherInbound {
  if (typeof frame !== "string") return invalid("Invalid message: binary frames are not part of the Pusher protocol");
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return invalid("Invalid message: not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return invalid("Invalid message: not a JSON object");
  const { event, channel, data } = value as Record<string, unknown>;
  if (typeof event !== "string") return invalid("Invalid message: \"event\" must be a string");
  if (event === PusherEvent.ping) return { kind: "ping" };
  if (event === PusherEvent.pong) return { kind: "pong" };
  if (event.startsWith(clientEventPrefix)) {
    if (typeof channel !== "string") return invalid(`Invalid message: the ${event} client event needs a string "channel"`);
    return { kind: "client", event, channel, data };
  }
  if (event === PusherEvent.subscribe || event === PusherEvent.unsubscribe) {
    const fields = objectData(data);
    if (!fields || typeof fields.channel !== "string") return invalid(`Invalid message: ${event} needs data with a string "channel"`);
    if (event === PusherEvent.unsubscribe) return { kind: "unsubscribe", channel: fields.channel };
    const { auth, channel_data: channelData } = fields;
    if (auth !== undefined && typeof auth !== "string") return invalid("Invalid message: \"auth\" must be a string");
    if (channelData !== undefined && typeof channelData !== "string") return invalid("Invalid message: \"channel_data\" must be a string");
    return { kind: "subscribe", channel: fields.channel, ...(auth !== undefined ? { auth } : {}), ...(channelData !== undefined ? { channelData } : {}) };
  }
  if (event === PusherEvent.signin) {
    const fields = objectData(data);
    if (!fields || typeof fields.auth !== "string" || typeof fields.user_data !== "string") {
      return invalid("Invalid message: pusher:signin needs data with string \"auth\" and \"user_data\"");
    }
    return { kind: "signin", auth: fields.auth, userData: fields.user_data };
  }
  return invalid(`Invalid message: unknown event "${event.slice(0, 64)}"`);
}

/** One outbound frame; `data` is sent as JSON text (a string as it is). */
export function eventFrame(event: string, data: unknown, channel?: string, userId?: string): string {
  const text = typeof data === "string" ? data : JSON.stringify(data ?? null);
  const frame: Record<string, unknown> = { event };
  if (channel !== undefined) frame.channel = channel;
  frame.data = text;
  if (userId !== undefined) frame.user_id = userId;
  return JSON.stringify(frame);
}

/** A `pusher:error` frame. */
export function errorFrame(code: PusherCodeNumber, message: string): string {
  return eventFrame(PusherEvent.error, { code, message });
}

/** A `pusher:subscription_error` for a channel (pusher-js shows it on that channel). */
export function subscriptionErrorFrame(channel: string, type: string, error: string, status: number): string {
  return eventFrame(PusherEvent.subscriptionError, { type, error, status }, channel);
}
