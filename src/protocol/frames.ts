/**
 * Inbound frame validation, once at the edge: turns a decoded frame into a typed Inbound
 * value. The one shape it checks (`{ channel: string }`) is checked by hand rather than
 * with zod: importing zod costs 30-45 ms in every worker thread that starts or restarts
 * (measured in the compiled binary), and this is the worker's only use of it.
 *
 * @example
 * classify({ event: "#subscribe", data: { channel: "a" }, cid: 3 }); // { kind: "subscribe", ... }
 */
import { Reserved } from "./packets.ts";
import type { StreamPosition } from "./publication.ts";

/**
 * A `since` position (`{ offset, epoch }`), or undefined when absent or malformed.
 *
 * @example
 * streamPosition({ offset: 7, epoch: "x9f2" }); // { offset: 7, epoch: "x9f2" }
 * streamPosition({ offset: -1 }); // undefined
 */
export function streamPosition(value: unknown): StreamPosition | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const { offset, epoch } = value as { offset?: unknown; epoch?: unknown };
  return Number.isSafeInteger(offset) && (offset as number) >= 0 && typeof epoch === "string" ? { offset: offset as number, epoch } : undefined;
}

/** `{ channel: string, data? }` (PROTOCOL.md §4.1, §4.3); anything else is malformed. */
function channelData(value: unknown): { channel: string; data: unknown } | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const { channel, data } = value as { channel?: unknown; data?: unknown };
  return typeof channel === "string" ? { channel, data } : null;
}

export type Inbound =
  /** `authToken` as sent (null when absent): a non-string one is refused with AuthTokenError, as in SocketCluster. */
  | { kind: "handshake"; cid: number | undefined; authToken: unknown }
  | { kind: "subscribe"; cid: number | undefined; channel: string | undefined; data: unknown; since?: StreamPosition }
  | { kind: "unsubscribe"; cid: number | undefined; channel: string | undefined }
  | { kind: "publish"; cid: number | undefined; channel: string | undefined; data: unknown }
  | { kind: "authenticate"; cid: number | undefined; token: unknown }
  | { kind: "removeAuthToken" }
  | { kind: "invoke"; cid: number; event: string; data: unknown }
  | { kind: "transmit"; event: string; data: unknown }
  | { kind: "response"; rid: number; data: unknown; error: unknown }
  | { kind: "raw"; value: unknown };

function cidOf(packet: Record<string, unknown>): number | undefined {
  return typeof packet.cid === "number" && Number.isFinite(packet.cid) ? packet.cid : undefined;
}

/** Classify one decoded packet (v18+ rules: a request has a string event; an invoke a numeric cid). */
export function classify(value: unknown): Inbound {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { kind: "raw", value };
  const packet = value as Record<string, unknown>;
  const cid = cidOf(packet);
  if (typeof packet.event !== "string") {
    if (typeof packet.rid === "number") return { kind: "response", rid: packet.rid, data: packet.data, error: packet.error };
    return { kind: "raw", value };
  }
  const data = packet.data;
  switch (packet.event) {
    case Reserved.handshake: {
      const token = (data as { authToken?: unknown } | undefined)?.authToken;
      return { kind: "handshake", cid, authToken: token ?? null };
    }
    case Reserved.subscribe: {
      const parsed = channelData(data);
      const since = streamPosition((data as { since?: unknown } | undefined)?.since);
      return since ? { kind: "subscribe", cid, channel: parsed?.channel, data: parsed?.data, since }
        : { kind: "subscribe", cid, channel: parsed?.channel, data: parsed?.data };
    }
    case Reserved.unsubscribe:
      return { kind: "unsubscribe", cid, channel: typeof data === "string" ? data : undefined };
    case Reserved.publish: {
      const parsed = channelData(data);
      return { kind: "publish", cid, channel: parsed?.channel, data: parsed?.data };
    }
    case Reserved.authenticate:
      return { kind: "authenticate", cid, token: data };
    case Reserved.removeAuthToken:
      return { kind: "removeAuthToken" };
  }
  if (cid !== undefined) return { kind: "invoke", cid, event: packet.event, data };
  return { kind: "transmit", event: packet.event, data };
}
