/**
 * The codec ceiling: `bun bench/codecCeilingServer.ts <codec>`. The least a server can do
 * with Bun's native topics in a given codec: it decodes each frame with scx's codec (the
 * same msgpackr and sc-codec-min-bin code), answers the handshake and #subscribe, and
 * forwards each #publish frame unchanged to the channel's topic, text or binary as it
 * came. What Bun itself gains from a binary codec's smaller frames is read off this one
 * (bench/codecs.ts). Prints "PORT <n>".
 */
import { codecNamed } from "../src/protocol/codecs.ts";
import type { CodecName, Frame } from "../src/protocol/codec.ts";

const codec = codecNamed((process.argv[2] ?? "json") as CodecName);
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(request, srv) {
    return srv.upgrade(request) ? undefined : new Response("Upgrade Required", { status: 426 });
  },
  websocket: {
    perMessageDeflate: false,
    message(ws, message) {
      if (message === "") return;
      const frame: Frame = typeof message === "string" ? message : new Uint8Array(message);
      const packet = codec.decode(frame) as { event?: string; cid?: number; data?: { channel?: string } };
      const reply = (value: unknown) => ws.send(codec.encode(value));
      if (packet.event === "#handshake") reply({ rid: packet.cid, data: { id: "x", pingTimeout: 20000, isAuthenticated: false } });
      else if (packet.event === "#subscribe") {
        ws.subscribe(packet.data!.channel!);
        reply({ rid: packet.cid });
      } else if (packet.event === "#publish") {
        server.publish(packet.data!.channel!, frame);
        if (packet.cid !== undefined) reply({ rid: packet.cid });
      }
    },
  },
});
console.log(`PORT ${server.port}`);
