/**
 * The codecs by the config's names. Kept apart from codec.ts so the browser client's
 * default bundle (JSON only) never pulls in MessagePack.
 *
 * @example
 * codecNamed("msgpack").binary; // true
 */
import { type Codec, type CodecName, jsonCodec } from "./codec.ts";
import { msgpackCodec } from "./msgpackCodec.ts";
import { minBinCodec } from "./minBinCodec.ts";

export const codecs: Record<CodecName, Codec> = {
  json: jsonCodec,
  msgpack: msgpackCodec,
  "sc-codec-min-bin": minBinCodec,
};

export function codecNamed(name: CodecName): Codec {
  return codecs[name];
}
