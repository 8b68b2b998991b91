/**
 * The API publish load, in its own process: `bun bench/apiLoad.ts '<json args>'`.
 * Opens `subscribers` raw WebSocket subscribers to one channel, then sends `requests`
 * POST /api/publish with `concurrency` in flight (keep-alive fetch), and waits until
 * every subscriber got every publication. Prints one JSON line: requests/s (answered)
 * and deliveries/s (all delivered).
 */
export const apiBenchKey = "bench-api-key-0123456789";

/** A raw subscriber of `channel` whose publications only call `onPublish` (also bench/pusherApiLoad.ts). */
export async function subscriber(port: number, channel: string, onPublish: () => void): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socketcluster/`);
  await new Promise<void>((resolve, reject) => {
    ws.onerror = () => reject(new Error("connect failed"));
    ws.onmessage = (event) => {
      const text = event.data as string;
      if (text === "") return ws.send("");
      if (text.startsWith('{"event":"#publish"')) return onPublish();
      if (JSON.parse(text).rid === 2) resolve();
    };
    ws.onopen = () => {
      ws.send(JSON.stringify({ event: "#handshake", data: { authToken: null }, cid: 1 }));
      ws.send(JSON.stringify({ event: "#subscribe", data: { channel }, cid: 2 }));
    };
  });
  return ws;
}

async function main(): Promise<void> {
  const { port, subscribers, requests, concurrency } = JSON.parse(process.argv[2] ?? "{}");
  const channel = "api-bench";
  let delivered = 0;
  let wake = () => {};
  const target = subscribers * requests;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < subscribers; i += 250) {
    sockets.push(...await Promise.all(Array.from({ length: Math.min(250, subscribers - i) },
      () => subscriber(port, channel, () => { if (++delivered >= target) wake(); }))));
  }
  const all = new Promise<void>((resolve) => { wake = resolve; });
  const url = `http://127.0.0.1:${port}/api/publish`;
  const headers = { authorization: `apikey ${apiBenchKey}`, "content-type": "application/json" };
  let sent = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (sent < requests) {
      const n = sent++;
      const response = await fetch(url, { method: "POST", headers, body: JSON.stringify({ channel, data: { n } }) });
      if (response.status !== 200) failed++;
      await response.arrayBuffer();
    }
  }));
  const answered = (performance.now() - started) / 1000;
  if (delivered < target) await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  const seconds = (performance.now() - started) / 1000;
  for (const ws of sockets) ws.close();
  console.log(JSON.stringify({ requests, failed, perSecond: requests / answered, deliveries: delivered, deliveriesPerSecond: delivered / seconds }));
  process.exit(0);
}

if (import.meta.main) await main();
