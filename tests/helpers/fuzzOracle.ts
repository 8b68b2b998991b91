/**
 * The fuzz test's oracle: what the server must do with a frame (close code, bystander
 * impact), read from the frame itself.
 */
import { CloseCode } from "../../src/protocol/closeCodes.ts";
import { Frame, text } from "./fuzzFrames.ts";
import { bystanderChannel, maxPayload } from "./fuzzValues.ts";

// ---------------------------------------------------------------------------------------
// What the server must do with a frame (PROTOCOL.md §1.2, §3.2), computed independently

/** The text the server reads: UTF-8 on the wire (lone surrogates become U+FFFD), BOM dropped. */
export function wireText(frame: Frame): string {
  return new TextDecoder().decode("text" in frame ? new TextEncoder().encode(frame.text) : frame.bytes);
}

/** sc-formatter's decode rules (PROTOCOL.md §1.2). */
export function decode(frame: Frame): unknown {
  const text = wireText(frame);
  if (text === "#1" || text === "#2" || !/^[ \t\r\n]*[{[]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function frameBytes(frame: Frame): number {
  return "text" in frame ? new TextEncoder().encode(frame.text).length : frame.bytes.length;
}

export function packetsOf(frame: Frame): unknown[] {
  const decoded = decode(frame);
  return Array.isArray(decoded) ? decoded : [decoded];
}

export const isFiniteNumber = (value: unknown) => typeof value === "number" && Number.isFinite(value);
export const objectOf = (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value) ? value as Record<string, unknown> : null;

/** The close code a handshaken socket must get for this frame, or null if it stays open. */
export function closeCodeWhenOpen(frame: Frame): number | null {
  if (frameBytes(frame) > maxPayload) return CloseCode.MessageTooBig;
  for (const value of packetsOf(frame)) {
    const packet = objectOf(value);
    if (packet?.event === "#authenticate" && !isFiniteNumber(packet.cid)) return CloseCode.HandshakeRejected;
  }
  return null;
}

/** The close code a socket must get when this is its first frame; null: no close (a handshake or `[]`). */
export function closeCodeBeforeHandshake(frame: Frame): number | null {
  if (frameBytes(frame) > maxPayload) return CloseCode.MessageTooBig;
  const decoded = decode(frame);
  const first = Array.isArray(decoded) ? decoded[0] : decoded;
  if (Array.isArray(decoded) && decoded.length === 0) return null;
  const packet = objectOf(first);
  if (packet?.event !== "#handshake") return CloseCode.MessageBeforeHandshake;
  return isFiniteNumber(packet.cid) ? null : CloseCode.HandshakeRejected;
}

/** Whether a frame could touch the bystanders' channel (the fuzz leaves it alone). */
export function touchesBystanders(frame: Frame): boolean {
  return wireText(frame).includes(bystanderChannel);
}
