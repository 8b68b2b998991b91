/**
 * Inbound frame validation, once at the edge: turns a decoded frame into a typed Inbound
 * value. Kept apart from packets.ts because it uses zod, which the browser client must not.
 *
 * @example
 * classify({ event: "#subscribe", data: { channel: "a" }, cid: 3 }); // { kind: "subscribe", ... }
 */
import { z } from "zod";
import { Reserved } from "./packets.ts";

// Only channel is required (PROTOCOL.md §4.1); waitForAuth is the client's business.
const channelData = z.object({ channel: z.string(), data: z.unknown().optional() });

export type Inbound =
  | { kind: "handshake"; cid: number | undefined; authToken: string | null }
  | { kind: "subscribe"; cid: number | undefined; channel: string | undefined; data: unknown }
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
      return { kind: "handshake", cid, authToken: typeof token === "string" ? token : null };
    }
    case Reserved.subscribe: {
      const parsed = channelData.safeParse(data);
      return { kind: "subscribe", cid, channel: parsed.success ? parsed.data.channel : undefined, data: parsed.success ? parsed.data.data : undefined };
    }
    case Reserved.unsubscribe:
      return { kind: "unsubscribe", cid, channel: typeof data === "string" ? data : undefined };
    case Reserved.publish: {
      const parsed = channelData.safeParse(data);
      return { kind: "publish", cid, channel: parsed.success ? parsed.data.channel : undefined, data: parsed.success ? parsed.data.data : undefined };
    }
    case Reserved.authenticate:
      return { kind: "authenticate", cid, token: data };
    case Reserved.removeAuthToken:
      return { kind: "removeAuthToken" };
  }
  if (cid !== undefined) return { kind: "invoke", cid, event: packet.event, data };
  return { kind: "transmit", event: packet.event, data };
}
