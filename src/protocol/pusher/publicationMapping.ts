/**
 * One channel space for both protocols: how a Pusher event becomes a scx publication's
 * data, and how any publication reaches a Pusher subscriber.
 *
 * - A Pusher event `{ event: E, data: S }` (a client event, or the HTTP API's) is
 *   published with data `{ event: E, data: <S parsed when it is JSON text, else S> }`
 *   (and `user_id` when a presence channel's member sent it).
 * - A publication whose data is an object with a string `event` and a `data` field
 *   reaches Pusher subscribers as event E, its data the value itself if a string, else
 *   its JSON text; any other data D arrives as event `"message"` with D (a string) or
 *   D's JSON text. SocketCluster subscribers get the data as it is, either way.
 *
 * @example
 * pusherPublicationData("update", '{"n":1}'); // { event: "update", data: { n: 1 } }
 * publicationFrame("news", '{"event":"update","data":{"n":1}}'); // '{"event":"update","channel":"news","data":"{\"n\":1}"}'
 * publicationFrame("news", '"hi"'); // '{"event":"message","channel":"news","data":"hi"}'
 */
import { eventFrame } from "./frames.ts";

/** The event name of a publication whose data has no Pusher shape. */
export const defaultEventName = "message";

/** The scx publication data for a Pusher event (S: the event's data as it came). */
export function pusherPublicationData(event: string, data: unknown, userId?: string): { event: string; data: unknown; user_id?: string } {
  let value = data;
  if (typeof data === "string") {
    try {
      value = JSON.parse(data);
    } catch {
      value = data;
    }
  }
  return userId === undefined ? { event, data: value } : { event, data: value, user_id: userId };
}

/** The Pusher frame for a publication on `channel`; `json` is the publication's data as JSON text. */
export function publicationFrame(channel: string, json: string | undefined): string {
  if (json === undefined) return eventFrame(defaultEventName, "null", channel);
  // Only an object can have the Pusher shape: anything else skips the parse.
  if (json.charCodeAt(0) !== 123 /* { */) {
    return eventFrame(defaultEventName, json.charCodeAt(0) === 34 /* " */ ? JSON.parse(json) as string : json, channel);
  }
  const value = JSON.parse(json) as Record<string, unknown>;
  if (typeof value.event !== "string" || !("data" in value)) return eventFrame(defaultEventName, json, channel);
  const data = typeof value.data === "string" ? value.data : JSON.stringify(value.data ?? null);
  return eventFrame(value.event, data, channel, typeof value.user_id === "string" ? value.user_id : undefined);
}
