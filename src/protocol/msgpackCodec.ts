/**
 * The MessagePack codec: each packet (or batch) is one binary frame, msgpackr-encoded,
 * with JSON's shape rules (a key whose value is undefined is left out; undefined in an
 * array is nil), so a packet decodes to what JSON would give, binary values as bytes.
 *
 * @example
 * msgpackCodec.decode(msgpackCodec.encode({ event: "x", data: 1 })); // { event: "x", data: 1 }
 */
// msgpackr's pure-JS entry: the main one probes for a native addon (not installed) and loads
// node:stream for its stream classes, which cost every start-up about 10 ms.
import { Packr } from "msgpackr/pack";
import type { Codec, Frame } from "./codec.ts";

/** One msgpackr instance, set for plain MessagePack any library decodes (no records, no extensions). */
export const packr = new Packr({
  useRecords: false, moreTypes: false, bundleStrings: false, mapsAsObjects: true,
  encodeUndefinedAsNil: true, skipValues: [undefined], int64AsType: "number",
} as ConstructorParameters<typeof Packr>[0]);

/**
 * Decode MessagePack bytes; a text frame comes back as its string (a raw frame, as with
 * JSON) and undecodable bytes as undefined. Never throws.
 *
 * @example
 * unpackFrame(packr.pack([1, 2])); // [1, 2]
 */
export function unpackFrame(frame: Frame): unknown {
  if (typeof frame === "string") return frame;
  try {
    return packr.unpack(frame);
  } catch {
    return undefined;
  }
}

/** The data of a publication from its JSON text, decoded once per worker per publication. */
export function publicationData(json: string | undefined): unknown {
  return json === undefined ? undefined : JSON.parse(json);
}

export const msgpackCodec: Codec = {
  name: "msgpack",
  binary: true,
  decode: unpackFrame,
  encode: (value) => packr.pack(value),
  publishFrame(channel, json, offset, epoch) {
    const data = json === undefined ? { channel } : { channel, data: publicationData(json) };
    return packr.pack({ event: "#publish", data: offset === undefined ? data : { ...data, offset, epoch } });
  },
};
