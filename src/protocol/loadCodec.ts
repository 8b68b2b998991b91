/**
 * A codec by the config's name, loading MessagePack only for the configs that use it: in
 * the binary (built with --splitting) a worker thread with the default `json` codec then
 * never evaluates msgpackr before it can listen. The main thread keeps codecs.ts (sync).
 *
 * @example
 * const codec = await loadCodec(config.codec);
 */
import { type Codec, type CodecName, jsonCodec } from "./codec.ts";

export async function loadCodec(name: CodecName): Promise<Codec> {
  if (name === "msgpack") return (await import("./msgpackCodec.ts")).msgpackCodec;
  if (name === "sc-codec-min-bin") return (await import("./minBinCodec.ts")).minBinCodec;
  return jsonCodec;
}
