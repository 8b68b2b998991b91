/**
 * The wire codec seam. The default is SocketCluster's sc-formatter: JSON text, `#1`/`#2`
 * and non-JSON strings passed through, binary values sent as `{base64, data}`. Binary
 * codecs (msgpackCodec.ts, minBinCodec.ts) encode to bytes sent as binary frames; pings
 * and pongs are text frames whatever the codec, never passed through it.
 *
 * @example
 * jsonCodec.decode('{"event":"x"}'); // { event: "x" }
 */
import { splicePublishFrame } from "./splicePublishFrame.ts";

/** One WebSocket frame: text, or bytes for a binary frame. */
export type Frame = string | Uint8Array;

/** The codecs the config's `codec` key names. */
export type CodecName = "json" | "msgpack" | "sc-codec-min-bin";

export interface Codec {
  readonly name: CodecName;
  /** Whether frames are binary (bytes) rather than text. */
  readonly binary: boolean;
  /** Decode one frame; never throws (an undecodable frame comes back as a string or undefined). */
  decode(frame: Frame): unknown;
  /** Encode one packet or an array of packets; throws on circular data. */
  encode(value: unknown): Frame;
  /**
   * The `#publish` frame of a publication from its data as JSON text (undefined: no data),
   * with offset and epoch where given: built once per worker per publication.
   */
  publishFrame(channel: string, json: string | undefined, offset?: number, epoch?: string): Frame;
}

/** The JSON codec: its frames are always text. */
export interface TextCodec extends Codec {
  encode(value: unknown): string;
  publishFrame(channel: string, json: string | undefined, offset?: number, epoch?: string): string;
}

const jsonStart = /^[ \t\r\n]*[{[]/;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function binaryReplacer(this: unknown, key: string, value: unknown): unknown {
  // JSON.stringify has already called toJSON on Buffers by now; look at the raw holder.
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof ArrayBuffer) return { base64: true, data: toBase64(new Uint8Array(raw)) };
  if (ArrayBuffer.isView(raw)) {
    return { base64: true, data: toBase64(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)) };
  }
  if (value && typeof value === "object" && (value as { type?: unknown }).type === "Buffer" &&
    Array.isArray((value as { data?: unknown }).data)) {
    return { base64: true, data: toBase64(Uint8Array.from((value as { data: number[] }).data)) };
  }
  return value;
}

/** A plain object whose values are all primitives: the replacer would change nothing in it. */
function isFlat(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value) || (value as { type?: unknown }).type === "Buffer") return false;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    // Objects may hold binary; a function may be a toJSON that returns some.
    if ((typeof item === "object" && item !== null) || typeof item === "function") return false;
  }
  return true;
}

const utf8 = new TextDecoder();

export const jsonCodec: TextCodec = {
  name: "json",
  binary: false,
  decode(frame) {
    const text = typeof frame === "string" ? frame : utf8.decode(frame);
    if (text === "#1" || text === "#2") return text;
    if (!jsonStart.test(text)) return text;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  },
  encode(value) {
    // A flat packet (a reply's rid, an event with a primitive payload) holds no binary:
    // no replacer, which costs a call per key (every #subscribe reply is one of these).
    return isFlat(value) ? JSON.stringify(value) : JSON.stringify(value, binaryReplacer);
  },
  publishFrame: splicePublishFrame,
};
