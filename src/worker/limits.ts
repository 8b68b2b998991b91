/**
 * Rate limits per socket: `limits.inbound` (every packet after the handshake, pongs and
 * replies to the server's own invokes aside) and a namespace's `publish` rate (client
 * publications on its channels). Over a rate, a packet with a cid is answered with
 * RateLimitError (carrying `retryAfter`, ms) and one without is dropped; both are counted.
 * A socket that keeps going over (no pause of a second or more) for `limits.closeAfter`
 * seconds is closed with 4010. O(1) per packet; a socket's buckets are made on its first
 * limited packet and kept beside it (a WeakMap), so sockets cost nothing when limits are off.
 *
 * @example
 * if (!admitPacket(worker, socket, packet)) return; // refused, answered and counted
 */
import type { Inbound } from "../protocol/frames.ts";
import type { ChannelNamespace } from "../config/channels.ts";
import type { RateConfig } from "../config/limits.ts";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import { CloseCode } from "../protocol/closeCodes.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import { TokenBucket } from "./TokenBucket.ts";
import { limitCounters } from "./limitCounters.ts";

/** What the limits need of a worker. */
export interface LimitsHost {
  readonly config: Pick<Config, "limits">;
  readonly log: Logger;
}

interface SocketRates {
  inbound: TokenBucket | null;
  publish: Map<ChannelNamespace, TokenBucket> | null;
  /** When the current run of refusals began (0: not over). */
  overSince: number;
  lastRefused: number;
  /** Closed for abuse; packets still arriving before the close completes are dropped quietly. */
  closing: boolean;
}

/** A pause this long between refusals ends a run of them. */
const pauseMs = 1000;
const rates = new WeakMap<ServerSocket, SocketRates>();

function ratesOf(socket: ServerSocket): SocketRates {
  let state = rates.get(socket);
  if (!state) rates.set(socket, state = { inbound: null, publish: null, overSince: 0, lastRefused: 0, closing: false });
  return state;
}

/** Whether the socket may have this packet handled under `limits.inbound`; refuses (answers, counts) when not. */
export function admitPacket(host: LimitsHost, socket: ServerSocket, packet: Inbound | { readonly kind: "pusher" }): boolean {
  const limit = host.config.limits.inbound;
  if (limit === undefined || packet.kind === "response") return true;
  const now = Date.now();
  const state = ratesOf(socket);
  const bucket = state.inbound ??= new TokenBucket(limit.rate, limit.burst, now);
  if (bucket.take(now)) return true;
  limitCounters.rateLimited.inbound++;
  refuse(host, socket, state, bucket, (packet as { cid?: number }).cid, now, "inbound", limit);
  return false;
}

/** Whether a client publication on a channel of `namespace` fits its `publish` rate; refuses when not. */
export function admitPublish(
  host: LimitsHost, socket: ServerSocket, namespace: ChannelNamespace | null, cid: number | undefined,
): boolean {
  const limit = namespace?.publish;
  if (limit === undefined) return true;
  const now = Date.now();
  const state = ratesOf(socket);
  state.publish ??= new Map();
  let bucket = state.publish.get(namespace!);
  if (!bucket) state.publish.set(namespace!, bucket = new TokenBucket(limit.rate, limit.burst, now));
  if (bucket.take(now)) return true;
  limitCounters.rateLimited.publish++;
  refuse(host, socket, state, bucket, cid, now, "publish", limit, namespace!.match);
  return false;
}

function refuse(
  host: LimitsHost, socket: ServerSocket, state: SocketRates, bucket: TokenBucket, cid: number | undefined,
  now: number, limit: "inbound" | "publish", rate: RateConfig, match?: string,
): void {
  if (state.closing) return;
  if (state.overSince === 0 || now - state.lastRefused > pauseMs) state.overSince = now;
  state.lastRefused = now;
  if (now - state.overSince >= host.config.limits.closeAfter * 1000) {
    state.closing = true;
    limitCounters.disconnects.rateLimited++;
    host.log.warn("Socket closed: rate limit exceeded", {
      socket: socket.id, remoteAddress: socket.remoteAddress, limit, namespace: match, rate: rate.rate, burst: rate.burst,
    });
    socket.disconnect(CloseCode.RateLimited);
    return;
  }
  if (cid === undefined) return;
  const what = limit === "inbound" ? "packets" : `publications on ${match} channels`;
  socket.respondError(cid, namedError(ErrorName.RateLimit,
    `Rate limit exceeded: more than ${rate.rate} ${what} per second`, { retryAfter: bucket.retryAfter() }));
}
