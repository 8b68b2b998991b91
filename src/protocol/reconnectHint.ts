/**
 * The reconnect hint in scx's going-away close (1001): the close reason ends with
 * `reconnect:<ms>`, telling scx/client to reconnect after a random delay within that
 * window instead of its normal backoff. Other clients just see a readable reason
 * (socketcluster-client passes it to its `disconnect` and `close` events and reconnects
 * with its own backoff; 1001 emits no error there).
 *
 * @example
 * reconnectHintReason(1000);                          // "Server going away, reconnect:1000"
 * parseReconnectHint("Server going away, reconnect:1000"); // 1000
 */

/** The window scx hints in its going-away close: clients come back within about a second. */
export const goingAwayReconnectWindow = 1000;

/** Longest window a client accepts from a hint (a bad server cannot park clients for long). */
export const maxReconnectWindow = 60000;

/** The close reason scx sends with 1001: readable, with the machine-readable hint at its end. */
export function reconnectHintReason(windowMs: number = goingAwayReconnectWindow): string {
  return `Server going away, reconnect:${Math.round(windowMs)}`;
}

/** The hinted window in ms, or null when the reason carries no hint. */
export function parseReconnectHint(reason: string | undefined): number | null {
  const match = /(?:^|[\s,;(])reconnect:(\d{1,9})$/.exec(reason ?? "");
  if (!match) return null;
  return Math.min(Number(match[1]), maxReconnectWindow);
}
