/**
 * The packet shapes of the SocketCluster protocol (§2 of PROTOCOL.md) as types, and the
 * frame builders both sides use. Pure and dependency-free so the browser client can share it.
 *
 * @example
 * publishFrame(jsonCodec, "chat", "hi"); // '{"event":"#publish","data":{"channel":"chat","data":"hi"}}'
 */
import type { Codec, Frame } from "./codec.ts";

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
  presence: "#presence",
  presenceStats: "#presenceStats",
  join: "#join",
  leave: "#leave",
} as const;

export function publishFrame(codec: Codec, channel: string, data: unknown): Frame {
  return codec.encode({ event: Reserved.publish, data: { channel, data } });
}

export { splicePublishFrame } from "./splicePublishFrame.ts";
