/**
 * splicePublishFrame builds #publish frames by string splicing; it must give exactly the
 * text jsonCodec.encode gives for the same packet, for every kind of data (binary values
 * by sc-formatter's rules, unicode, undefined) and channel name.
 */
import { expect, test } from "bun:test";
import { jsonCodec } from "../src/protocol/codec.ts";
import { splicePublishFrame } from "../src/protocol/packets.ts";

const values: unknown[] = [
  undefined, null, 0, -1.5, 1e21, true, "", "hi", 'quote " and \\ and \n', "ünïcødé 🎉", "\u2028",
  [], [1, [2, [3]]], {}, { a: { b: [null, "x"] } }, new Uint8Array([1, 2, 255]), { file: new Uint8Array([0]).buffer },
];
const channels = ["chat/1", "", "with \"quotes\"", "ünï/🎉", "a\\b"];

test("splicePublishFrame equals jsonCodec.encode of the packet, with and without offset/epoch", () => {
  for (const channel of channels) {
    for (const data of values) {
      const json = data === undefined ? undefined : jsonCodec.encode(data);
      expect(splicePublishFrame(channel, json)).toBe(jsonCodec.encode({ event: "#publish", data: { channel, data } }));
      expect(splicePublishFrame(channel, json, 7, "x9f2")).toBe(
        jsonCodec.encode({ event: "#publish", data: { channel, data, offset: 7, epoch: "x9f2" } }));
    }
  }
});
