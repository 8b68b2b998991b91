/**
 * A new Pusher socket id, `<digits>.<digits>` (the form pusher-js and the server SDKs
 * check); a Pusher connection's socket id is also its scx client id.
 *
 * @example
 * newSocketId(); // "3417289120.1982337465"
 */
export function newSocketId(): string {
  const [a, b] = crypto.getRandomValues(new Uint32Array(2));
  return `${a}.${b}`;
}
