/**
 * A codec by the config's name, loading MessagePack only for the configs that use it: in
 * the binary (built with --splitting) a worker thread with the default `json` codec then
 * never evaluates msgpackr before it can listen. The names are codecs.ts's table; the main
 * thread uses that table directly (sync).
 *
 * @example
 * const codec = await loadCodec(config.codec);
 */
import { type Codec, type CodecName, jsonCodec } from "./codec.ts";

export async function loadCodec(name: CodecName): Promise<Codec> {
  return name === "json" ? jsonCodec : (await import("./codecs.ts")).codecNamed(name);
}
