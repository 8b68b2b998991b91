/**
 * The metrics scenario of `npm run bench` (issue 13): fan-out to 1,000 subscribers with
 * metrics fully on (counters in every worker, the main thread summing every thread once a
 * second and publishing the admin stats, and a scraper fetching /metrics every second),
 * against the Bun.serve ceiling measured alongside; median of three each. Target ≥ 0.9.
 *
 * @example
 * await metricsScenario(rows, results); // from bench/run.ts
 */
import { cpuSeconds, loadgen, startServer } from "./processes.ts";

/** The API key bench/metricsServer.ts is configured with. */
export const benchApiKey = "bench-metrics-key-0123456789";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

async function once(script: string, args: string[], scrape: boolean) {
  const server = await startServer(script, args);
  const before = cpuSeconds(server.pid);
  let scrapes = 0;
  let running = scrape;
  const scraper = (async () => {
    while (running) {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: `apikey ${benchApiKey}` } });
      if (response.ok && (await response.text()).includes("scx_messages_sent_total")) scrapes++;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  const run = await loadgen("fanout", { port: server.port, subscribers: 1000, messages: 2000, burst: 50 });
  running = false;
  await scraper;
  const serverCpu = cpuSeconds(server.pid) - before;
  await server.stop();
  return { ...run, serverCpu, scrapes };
}

async function median(runs: number, run: () => ReturnType<typeof once>) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await run());
  all.sort((a, b) => a.result.perSecond - b.result.perSecond);
  return all[Math.floor(runs / 2)]!;
}

export async function metricsScenario(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const ceiling = await median(3, () => once("ceilingServer.ts", [], false));
  rows.push({ scenario: "fan-out 1000 subs, metrics on (median of 3)", target: "Bun.serve topics (ceiling)",
    figure: `${Math.round(ceiling.result.perSecond).toLocaleString()} deliveries/s`, cpu: `server ${ceiling.serverCpu.toFixed(1)} s` });
  for (const workers of [0, 1]) {
    const scx = await median(3, () => once("metricsServer.ts", [String(workers)], true));
    const ratio = scx.result.perSecond / ceiling.result.perSecond;
    rows.push({
      scenario: "fan-out 1000 subs, metrics on (median of 3)", target: workers ? "scx, 1 worker thread, /metrics scraped each second" : "scx, in-process worker, /metrics scraped each second",
      figure: `${Math.round(scx.result.perSecond).toLocaleString()} deliveries/s`, cpu: `server ${scx.serverCpu.toFixed(1)} s`,
      note: `${ratio.toFixed(2)} of ceiling (target ≥ 0.9), ${scx.scrapes} scrapes`,
    });
    results[`fanout_metrics_workers_${workers}`] = { ...scx.result, ratio, scrapes: scx.scrapes };
  }
  results.fanout_metrics_ceiling = ceiling.result;
}
