/**
 * /metrics on 2 worker threads and 2 brokers: after a scripted load (N connections,
 * M publications) the page parses with a real Prometheus text parser and its gauges and
 * counters are what the script did, summed over both workers whichever worker answered;
 * counters survive a worker restart; the API key guards it. Also the exposition writer
 * alone: escaping and histogram series read back by the same parser.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import sc from "socketcluster-client";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { formatMetrics, histogramSamples } from "../src/metrics/exposition.ts";
import { Histogram } from "../src/metrics/Histogram.ts";

const key = "metrics-test-key-0123456789";
const N = 20;
const M = 30;
let server: ScxServer;
const clients: any[] = [];

type Family = { name: string; type: string; metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }> };

async function scrape(): Promise<Map<string, Family>> {
  const response = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: `apikey ${key}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
  const families = parsePrometheusTextFormat(await response.text()) as Family[];
  return new Map(families.map((family) => [family.name, family]));
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample ? Number(sample.value) : NaN;
}

/** Scrape until `done` holds (threads report on request, but closes and restarts land asynchronously). */
async function scrapeUntil(done: (families: Map<string, Family>) => boolean, timeoutMs = 15_000): Promise<Map<string, Family>> {
  const deadline = Date.now() + timeoutMs;
  let families = await scrape();
  while (!done(families) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    families = await scrape();
  }
  return families;
}

beforeAll(async () => {
  server = createServer({ host: "127.0.0.1", port: 0, workers: 2, brokers: 2, logLevel: "silent", api: { key } });
  await server.start();
  for (let i = 0; i < N; i++) clients.push(sc.create({ hostname: "127.0.0.1", port: server.port, autoReconnect: false, ackTimeout: 5000 }));
  await Promise.all(clients.map((client) => client.listener("connect").once()));
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await server?.stop();
});

describe("/metrics", () => {
  test("/metrics after N connections and M publications: gauges and counters match the load, summed over 2 workers", async () => {
    // Every client on load/a, half of them on load/b too.
    const subscribed = clients.flatMap((client, i) => {
      const channels = [client.subscribe("load/a")];
      if (i % 2 === 0) channels.push(client.subscribe("load/b"));
      return channels.map((channel: any) => channel.listener("subscribe").once());
    });
    await Promise.all(subscribed);
    const received = clients.map((client, i) => {
      let count = 0;
      const want = M + (i % 2 === 0 ? M : 0);
      return new Promise<void>((resolve) => {
        const bump = () => { if (++count === want) resolve(); };
        client.channel("load/a").watch?.(() => {});
        (async () => { for await (const _ of client.channel("load/a")) bump(); })();
        if (i % 2 === 0) (async () => { for await (const _ of client.channel("load/b")) bump(); })();
      });
    });
    for (let i = 0; i < M; i++) {
      await clients[i % N].invokePublish("load/a", { i });
      await clients[(i + 1) % N].invokePublish("load/b", { i });
    }
    await Promise.all(received);

    const deliveries = N * M + (N / 2) * M;
    const families = await scrapeUntil((f) => value(f, "scx_messages_sent_total", { type: "publish" }) >= deliveries);
    expect(value(families, "scx_connections")).toBe(N);
    expect(value(families, "scx_subscriptions")).toBe(N + N / 2);
    expect(value(families, "scx_channels")).toBe(2);
    expect(value(families, "scx_messages_received_total", { type: "handshake" })).toBe(N);
    expect(value(families, "scx_messages_received_total", { type: "subscribe" })).toBe(N + N / 2);
    expect(value(families, "scx_messages_received_total", { type: "publish" })).toBe(2 * M);
    expect(value(families, "scx_messages_sent_total", { type: "publish" })).toBe(deliveries);
    // Every invokePublish was answered, and so was every #subscribe and #handshake.
    expect(value(families, "scx_messages_sent_total", { type: "response" })).toBeGreaterThanOrEqual(2 * M + N + N / 2 + N);
    expect(value(families, "scx_engine_up")).toBe(1);
    expect(value(families, "scx_thread_restarts_total", { role: "worker" })).toBe(0);
    expect(value(families, "scx_thread_restarts_total", { role: "broker" })).toBe(0);
    expect(value(families, "scx_threads", { role: "worker", state: "running" })).toBe(2);
    expect(value(families, "process_resident_memory_bytes")).toBeGreaterThan(1e6);
    expect(value(families, "process_start_time_seconds")).toBeLessThanOrEqual(Date.now() / 1000);
    expect(value(families, "process_cpu_seconds_total")).toBeGreaterThan(0);

    // One observation per publication per worker that had subscribers for it: 2M to 4M.
    const histogram = families.get("scx_publish_delivery_seconds")!;
    expect(histogram.type).toBe("HISTOGRAM");
    const { buckets, count } = histogram.metrics[0]!;
    expect(Number(count)).toBeGreaterThanOrEqual(2 * M);
    expect(Number(count)).toBeLessThanOrEqual(4 * M);
    // (Object key order puts integer-like bounds such as "1" first: order by bound.)
    const bound = (le: string) => le === "+Inf" ? Infinity : Number(le);
    const cumulative = Object.entries(buckets!).sort(([a], [b]) => bound(a) - bound(b)).map(([, n]) => Number(n));
    expect(cumulative).toEqual([...cumulative].sort((a, b) => a - b));
    expect(cumulative.at(-1)).toBe(Number(count));
  }, 60_000);

  test("/metrics counts disconnects by close code and drops the gauges", async () => {
    const leaving = clients.splice(0, 5);
    for (const client of leaving) client.disconnect(4100, "bye");
    const families = await scrapeUntil((f) => value(f, "scx_connections") === N - 5);
    expect(value(families, "scx_connections")).toBe(N - 5);
    expect(value(families, "scx_disconnects_total", { code: "4100" })).toBe(5);
  }, 30_000);

  test("/metrics keeps a restarted worker's counts and counts the restart", async () => {
    const before = value(await scrape(), "scx_messages_received_total", { type: "publish" });
    // The main thread takes stock of every thread once a second: let it see the counts first.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const restarted = server.supervisor!.nextStart("worker", 1);
    server.supervisor!.kill("worker", 1);
    await restarted;
    const families = await scrapeUntil((f) => value(f, "scx_thread_restarts_total", { role: "worker" }) === 1);
    expect(value(families, "scx_thread_restarts_total", { role: "worker" })).toBe(1);
    expect(value(families, "scx_messages_received_total", { type: "publish" })).toBe(before);
  }, 30_000);

  test("/metrics refuses a request without the API key (401) or with a wrong one", async () => {
    const none = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(none.status).toBe(401);
    const wrong = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: "apikey nope" } });
    expect(wrong.status).toBe(401);
  });
});

describe("formatMetrics()", () => {
  test("formatMetrics() escapes label values and help text and writes cumulative histogram buckets a real parser reads back", () => {
    const h = new Histogram([0.001, 0.01]);
    h.observe(0.0005);
    h.observe(0.005);
    h.observe(0.5);
    const text = formatMetrics([
      { name: "t_total", help: "with \\ and\nnewline", type: "counter", samples: [{ labels: { path: 'C:\\dir "x"\nend' }, value: 3 }] },
      { name: "t_seconds", help: "h", type: "histogram", samples: histogramSamples(h.snapshot(), h.bounds) },
    ]);
    const [counter, histogram] = parsePrometheusTextFormat(text) as Family[];
    expect(counter!.metrics[0]!.labels!.path).toBe('C:\\dir "x"\nend');
    expect(counter!.metrics[0]!.value).toBe("3");
    expect(histogram!.metrics[0]!.buckets).toEqual({ "0.001": "1", "0.01": "2", "+Inf": "3" });
    expect(histogram!.metrics[0]!.count).toBe("3");
    expect(Number(histogram!.metrics[0]!.sum)).toBeCloseTo(0.5055);
  });
});

describe("server.metrics()", () => {
  test("server.metrics() gives the same page without HTTP or a key, in-process (workers: 0)", async () => {
    const local = createServer({ host: "127.0.0.1", port: 0, workers: 0, logLevel: "silent" });
    await local.start();
    const client = sc.create({ hostname: "127.0.0.1", port: local.port, autoReconnect: false });
    try {
      await client.listener("connect").once();
      await client.invokePublish("solo", 1);
      const families = new Map((parsePrometheusTextFormat(await local.metrics()) as Family[]).map((f) => [f.name, f]));
      expect(value(families, "scx_connections")).toBe(1);
      expect(value(families, "scx_messages_received_total", { type: "publish" })).toBe(1);
      expect((await local.stats()).threads.map((t) => `${t.role} ${t.id}`)).toEqual(["worker 0", "broker 0"]);
      // Without api.key there is no /metrics route.
      expect((await fetch(`http://127.0.0.1:${local.port}/metrics`)).status).toBe(404);
    } finally {
      client.disconnect();
      await local.stop();
    }
  }, 30_000);
});
