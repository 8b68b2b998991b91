/**
 * The Pusher HTTP API publish load, in its own process: `bun bench/pusherApiLoad.ts '<json args>'`.
 * Opens `subscribers` raw SocketCluster subscribers to one channel, then sends `requests`
 * requests with `concurrency` in flight (keep-alive fetch) to one route: `pusher`, a
 * signed POST /apps/{id}/events (signed per request, as a Pusher server SDK does), or
 * `api`, POST /api/publish; waits until every subscriber got every publication. Prints
 * one JSON line: requests/s (answered) and deliveries/s (all delivered).
 */
import { signedQuery } from "../src/protocol/pusher/requestSignature.ts";
import { apiBenchKey, subscriber } from "./apiLoad.ts";

export const pusherBenchApp = { id: "bench", key: "bench-key", secret: "bench-secret-0123456" };

function request(port: number, route: "pusher" | "api", channel: string, n: number): [string, RequestInit] {
  if (route === "api") {
    return [`http://127.0.0.1:${port}/api/publish`, {
      method: "POST", headers: { authorization: `apikey ${apiBenchKey}`, "content-type": "application/json" },
      body: JSON.stringify({ channel, data: { event: "tick", data: { n } } }),
    }];
  }
  const path = `/apps/${pusherBenchApp.id}/events`;
  const body = JSON.stringify({ name: "tick", channel, data: JSON.stringify({ n }) });
  const query = new URLSearchParams(signedQuery(pusherBenchApp, { method: "POST", path, body }));
  return [`http://127.0.0.1:${port}${path}?${query}`, { method: "POST", headers: { "content-type": "application/json" }, body }];
}

async function main(): Promise<void> {
  const { port, subscribers, requests, concurrency, route } = JSON.parse(process.argv[2] ?? "{}");
  const channel = "pusher-api-bench";
  let delivered = 0;
  let wake = () => {};
  const target = subscribers * requests;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < subscribers; i += 250) {
    sockets.push(...await Promise.all(Array.from({ length: Math.min(250, subscribers - i) },
      () => subscriber(port, channel, () => { if (++delivered >= target) wake(); }))));
  }
  const all = new Promise<void>((resolve) => { wake = resolve; });
  let sent = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (sent < requests) {
      const [url, init] = request(port, route, channel, sent++);
      const response = await fetch(url, init);
      if (response.status !== 200) failed++;
      await response.arrayBuffer();
    }
  }));
  const answered = (performance.now() - started) / 1000;
  if (delivered < target) await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  const seconds = (performance.now() - started) / 1000;
  for (const ws of sockets) ws.close();
  console.log(JSON.stringify({ route, requests, failed, perSecond: requests / answered, deliveries: delivered, deliveriesPerSecond: delivered / seconds }));
  process.exit(0);
}

if (import.meta.main) await main();
