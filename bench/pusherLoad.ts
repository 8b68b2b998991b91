/**
 * The Pusher benchmark's load generator, in its own process:
 * `bun bench/pusherLoad.ts '<json args>'` with `{ port, protocol: "sc" | "pusher", subscribers,
 * messages, burst }`. Subscribers speak SocketCluster or Pusher (raw WebSockets, as
 * pusher-js frames them); the publisher is always one SocketCluster client publishing
 * `{ event: "tick", data: i }`, so both runs cost the server the same publish. Prints one
 * JSON line: deliveries, seconds, perSecond.
 */
const args = JSON.parse(process.argv[2] ?? "{}");
const { port, protocol, subscribers, messages, burst } = args as { port: number; protocol: "sc" | "pusher"; subscribers: number; messages: number; burst: number };
const channel = "fan";

function scOpen(onPublish?: () => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socketcluster/`);
    ws.onmessage = (event) => {
      const text = event.data as string;
      if (text === "") return ws.send("");
      if (text.startsWith('{"event":"#publish"')) return onPublish?.();
      const packet = JSON.parse(text);
      if (packet.rid === 1) ws.send(JSON.stringify({ event: "#subscribe", data: { channel }, cid: 2 }));
      if (packet.rid === 2) resolve(ws);
    };
    ws.onerror = () => reject(new Error("connect failed"));
    ws.onopen = () => ws.send(JSON.stringify({ event: "#handshake", data: { authToken: null }, cid: 1 }));
  });
}

function pusherOpen(onEvent: () => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/app/bench-key?protocol=7&client=js&version=8.4.0&flash=false`);
    ws.onmessage = (event) => {
      const text = event.data as string;
      if (text.startsWith('{"event":"tick"')) return onEvent();
      const frame = JSON.parse(text);
      if (frame.event === "pusher:connection_established") ws.send(JSON.stringify({ event: "pusher:subscribe", data: { channel } }));
      else if (frame.event === "pusher_internal:subscription_succeeded") resolve(ws);
      else if (frame.event === "pusher:ping") ws.send('{"event":"pusher:pong","data":{}}');
    };
    ws.onerror = () => reject(new Error("connect failed"));
  });
}

let received = 0;
let target = 0;
let wake: () => void = () => {};
const delivered = () => { if (++received >= target) wake(); };
const subs: WebSocket[] = [];
for (let i = 0; i < subscribers; i += 250) {
  subs.push(...await Promise.all(Array.from({ length: Math.min(250, subscribers - i) }, () => protocol === "sc" ? scOpen(delivered) : pusherOpen(delivered))));
}
// The publisher subscribes to nothing it counts: a SocketCluster connection that only publishes.
const publisher = await new Promise<WebSocket>((resolve) => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socketcluster/`);
  ws.onmessage = (event) => { if (event.data === "") ws.send(""); else if (JSON.parse(event.data as string).rid === 1) resolve(ws); };
  ws.onopen = () => ws.send(JSON.stringify({ event: "#handshake", data: { authToken: null }, cid: 1 }));
});
console.log("READY");
const started = performance.now();
for (let sent = 0; sent < messages; sent += burst) {
  target = subscribers * Math.min(sent + burst, messages);
  const done = new Promise<void>((resolve) => { wake = resolve; });
  for (let i = sent; i < Math.min(sent + burst, messages); i++) {
    publisher.send(JSON.stringify({ event: "#publish", data: { channel, data: { event: "tick", data: i } } }));
  }
  if (received < target) await done;
}
const seconds = (performance.now() - started) / 1000;
for (const ws of [...subs, publisher]) ws.close();
console.log(JSON.stringify({ deliveries: received, seconds, perSecond: received / seconds }));
