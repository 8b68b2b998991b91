/**
 * The ceiling: the least a SocketCluster-speaking server can do with Bun's native topics.
 * It answers the handshake, #subscribe and #unsubscribe, and forwards each #publish frame unchanged to
 * the channel's topic. Prints "PORT <n>".
 */
import { gcOnStdin } from "./gcOnStdin.ts";
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(request, srv) {
    return srv.upgrade(request) ? undefined : new Response("Upgrade Required", { status: 426 });
  },
  websocket: {
    perMessageDeflate: false,
    message(ws, message) {
      const text = String(message);
      if (text === "") return;
      const packet = JSON.parse(text);
      if (packet.event === "#handshake") ws.send(JSON.stringify({ rid: packet.cid, data: { id: "x", pingTimeout: 20000, isAuthenticated: false } }));
      else if (packet.event === "#subscribe") {
        ws.subscribe(packet.data.channel);
        ws.send(JSON.stringify({ rid: packet.cid }));
      } else if (packet.event === "#unsubscribe") {
        ws.unsubscribe(packet.data);
        ws.send(JSON.stringify({ rid: packet.cid }));
      } else if (packet.event === "#publish") server.publish(packet.data.channel, text);
    },
  },
});
console.log(`PORT ${server.port}`);
gcOnStdin();
