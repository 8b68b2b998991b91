/**
 * The packet shapes of the SocketCluster protocol (§2 of PROTOCOL.md) as types, and the
 * frame builders both sides use. Pure and dependency-free so the browser client can share it.
 *
 * @example
 * publishFrame(jsonCodec, "chat", "hi"); // '{"event":"#publish","data":{"channel":"chat","data":"hi"}}'
 */
import type { Codec } from "./codec.ts";

export interface EventPacket { event: string; data?: unknown; cid?: number }
export interface ResponsePacket { rid: number; data?: unknown; error?: unknown }
export type Packet = EventPacket | ResponsePacket;

/** The ping and pong texts of each protocol version; pongs of either form are accepted. */
export const pingText = { 1: "#1", 2: "" } as const;
export const pongText = { 1: "#2", 2: "" } as const;
export type ProtocolVersion = 1 | 2;

export function isPong(text: string): boolean {
  return text === "" || text === "#2";
}

/** The reserved events of protocol v2; every other `#name` is routed like a user event. */
export const Reserved = {
  handshake: "#handshake",
  publish: "#publish",
  subscribe: "#subscribe",
  unsubscribe: "#unsubscribe",
  kickOut: "#kickOut",
  authenticate: "#authenticate",
  setAuthToken: "#setAuthToken",
  removeAuthToken: "#removeAuthToken",
  history: "#history",
} as const;

export function publishFrame(codec: Codec, channel: string, data: unknown): string {
  return codec.encode({ event: Reserved.publish, data: { channel, data } });
}

/**
 * A `#publish` frame spliced from a publication's parts: exactly the text
 * `jsonCodec.encode({ event: "#publish", data: { channel, data, offset?, epoch? } })`
 * gives, without building or walking an object. `json` is the data as JSON text
 * (undefined: no data key); `offset`/`epoch` go on the wire where `position` is set.
 *
 * @example
 * splicePublishFrame("chat/1", '"hi"', 7, "x9f2");
 * // '{"event":"#publish","data":{"channel":"chat/1","data":"hi","offset":7,"epoch":"x9f2"}}'
 */
export function splicePublishFrame(channel: string, json: string | undefined, offset?: number, epoch?: string): string {
  let frame = '{"event":"#publish","data":{"channel":' + JSON.stringify(channel);
  if (json !== undefined) frame += ',"data":' + json;
  if (offset !== undefined) frame += ',"offset":' + offset + ',"epoch":' + JSON.stringify(epoch);
  return frame + "}}";
}
