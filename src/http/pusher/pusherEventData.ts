/**
 * A Pusher event as scx publication data: `{ event, data }`, where `data` is the event's
 * text parsed as JSON when it is valid JSON, else the text itself. SocketCluster
 * subscribers see this object; the Pusher session turns it back into a Pusher frame.
 *
 * @example
 * pusherEventData("greet", '{"text":"hi"}'); // { event: "greet", data: { text: "hi" } }
 * pusherEventData("greet", "hello");         // { event: "greet", data: "hello" }
 */
export interface PusherEventData { event: string; data: unknown }

export function pusherEventData(event: string, text: string): PusherEventData {
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // Not JSON text: the string travels as it is.
  }
  return { event, data };
}
