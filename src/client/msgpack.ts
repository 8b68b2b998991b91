/**
 * The binary codecs for scx/client, apart from the default bundle (they bring msgpackr,
 * about 30 KB minified): `msgpackCodec` for a server with `codec: msgpack`, `minBinCodec`
 * for `codec: sc-codec-min-bin`.
 *
 * @example
 * import { create } from "scx/client";
 * import { msgpackCodec } from "scx/client/msgpack";
 * const socket = create({ hostname: "localhost", port: 8000, codec: msgpackCodec });
 */
export { msgpackCodec } from "../protocol/msgpackCodec.ts";
export { minBinCodec } from "../protocol/minBinCodec.ts";
export type { Codec, Frame } from "../protocol/codec.ts";
