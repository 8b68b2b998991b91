/**
 * Pusher Channels protocol 7 event names, as pusher-js 8 sends and expects them.
 *
 * @example
 * PusherEvent.ping; // "pusher:ping"
 */
export const PusherEvent = {
  connectionEstablished: "pusher:connection_established",
  error: "pusher:error",
  ping: "pusher:ping",
  pong: "pusher:pong",
  subscribe: "pusher:subscribe",
  unsubscribe: "pusher:unsubscribe",
  signin: "pusher:signin",
  signinSuccess: "pusher:signin_success",
  subscriptionError: "pusher:subscription_error",
  subscriptionSucceeded: "pusher_internal:subscription_succeeded",
  memberAdded: "pusher_internal:member_added",
  memberRemoved: "pusher_internal:member_removed",
} as const;

/** The protocol versions scx speaks (pusher-js 8 sends 7). */
export const protocolVersions = { min: 5, max: 7 } as const;

/** Prefix of the events clients may send to each other. */
export const clientEventPrefix = "client-";
