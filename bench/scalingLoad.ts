/**
 * The scaling bench's load, in its own process: `bun bench/scalingLoad.ts <mode> '<json>'`.
 * - `connect` {port, connections, concurrency}: connect, #handshake, close, `concurrency`
 *   at a time; prints one JSON line {connections, failed, seconds, perSecond}.
 * - `fanout` {port, subscribers, messages, burst, channel}: subscribes, prints "READY",
 *   waits for "go" on stdin (so every process publishes at the same time), publishes in
 *   bursts until each subscriber has every message, prints {deliveries, seconds}.
 */
const [mode, raw] = process.argv.slice(2);
const args = JSON.parse(raw ?? "{}");
const url = `ws://127.0.0.1:${args.port}/socketcluster/`;

function open(onPublish?: () => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onopen = () => ws.send(JSON.stringify({ event: "#handshake", data: { authToken: null }, cid: 1 }));
    ws.onmessage = (event) => {
      const text = String(event.data);
      if (text === "") return ws.send("");
      if (text.startsWith('{"event":"#publish"')) return onPublish?.();
      if (text.includes('"rid":1,') || text.includes('"rid":1}')) {
        if (!onPublish) return resolve(ws);
        ws.send(JSON.stringify({ event: "#subscribe", data: { channel: args.channel }, cid: 2 }));
      } else if (text.includes('"rid":2')) resolve(ws);
    };
    ws.onerror = () => reject(new Error("connect failed"));
  });
}

async function connect() {
  let done = 0;
  let failed = 0;
  const cycle = async () => {
    const ws = await open();
    await new Promise<void>((resolve) => { ws.onclose = () => resolve(); ws.close(); });
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: args.concurrency }, async () => {
    while (done + failed < args.connections) {
      try {
        await cycle();
        done++;
      } catch {
        failed++;
      }
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return { connections: done, failed, seconds, perSecond: done / seconds };
}

async function fanout() {
  let received = 0;
  let target = 0;
  let wake = () => {};
  const subs: WebSocket[] = [];
  for (let i = 0; i < args.subscribers; i += 100) {
    subs.push(...await Promise.all(Array.from({ length: Math.min(100, args.subscribers - i) }, () => open(() => { if (++received >= target) wake(); }))));
  }
  const publisher = await open();
  console.log("READY");
  await new Promise<void>((resolve) => process.stdin.on("data", (chunk) => { if (String(chunk).includes("go")) resolve(); }));
  const started = performance.now();
  for (let sent = 0; sent < args.messages; sent += args.burst) {
    const upTo = Math.min(sent + args.burst, args.messages);
    target = args.subscribers * upTo;
    const done = new Promise<void>((resolve) => { wake = resolve; });
    for (let i = sent; i < upTo; i++) publisher.send(JSON.stringify({ event: "#publish", data: { channel: args.channel, data: i } }));
    if (received < target) await done;
  }
  const seconds = (performance.now() - started) / 1000;
  for (const ws of [...subs, publisher]) ws.close();
  return { deliveries: received, seconds };
}

console.log(JSON.stringify(mode === "fanout" ? await fanout() : await connect()));
process.exit(0);
