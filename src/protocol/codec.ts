/**
 * The wire codec seam. The default is SocketCluster's sc-formatter: JSON text, `#1`/`#2`
 * and non-JSON strings passed through, binary values sent as `{base64, data}`.
 *
 * @example
 * jsonCodec.decode('{"event":"x"}'); // { event: "x" }
 */
export interface Codec {
  /** Decode one frame's text; never throws (unparsable text comes back as a string). */
  decode(text: string): unknown;
  /** Encode one packet or an array of packets; throws on circular data. */
  encode(value: unknown): string;
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

export const jsonCodec: Codec = {
  decode(text) {
    if (text === "#1" || text === "#2") return text;
    if (!jsonStart.test(text)) return text;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  },
  encode(value) {
    return JSON.stringify(value, binaryReplacer);
  },
};
