/**
 * The metrics scenario of `npm run bench` (issue 13): fan-out to 1,000 subscribers with
 * metrics fully on (counters in every worker, the main thread summing every thread once a
 * second and publishing the admin stats, and a scraper fetching /metrics every second),
 * against the Bun.serve ceiling measured alongside; median of three each, compared per
 * server CPU-second (deliveries / the server's CPU time): on 2 shared cores the load
 * generator sets the wall-clock rate, so deliveries/s alone says little. Target ≥ 0.9.
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
  const run = await loadgen("fanout", { port: server.port, subscribers: 1000, messages: 4000, burst: 50 });
  running = false;
  await scraper;
  const serverCpu = cpuSeconds(server.pid) - before;
  await server.stop();
  const perCpu = run.result.perSecond * run.result.seconds / Math.max(serverCpu, 0.01);
  return { ...run, serverCpu, scrapes, perCpu };
}

export async function metricsScenario(rows: Row[], results: Record<string, unknown>): Promise<void> {
  // Interleaved rounds (ceiling, then per worker count metrics off and on), so a busy
  // machine slows all of them alike; the median of three of each.
  const runs: Record<string, Awaited<ReturnType<typeof once>>[]> = {};
  const add = (name: string, run: Awaited<ReturnType<typeof once>>) => (runs[name] ??= []).push(run);
  for (let round = 0; round < 3; round++) {
    add("ceiling", await once("ceilingServer.ts", [], false));
    for (const workers of [0, 1]) {
      add(`off${workers}`, await once("scxServer.ts", [String(workers)], false));
      add(`on${workers}`, await once("metricsServer.ts", [String(workers)], true));
    }
  }
  const median = (name: string) => [...runs[name]!].sort((a, b) => a.perCpu - b.perCpu)[1]!;
  const ceiling = median("ceiling");
  const figure = (run: typeof ceiling) => `${Math.round(run.perCpu).toLocaleString()} per server CPU-s (${Math.round(run.result.perSecond).toLocaleString()} deliveries/s)`;
  rows.push({ scenario: "fan-out 1000 subs, metrics on (median of 3)", target: "Bun.serve topics (ceiling)",
    figure: figure(ceiling), cpu: `server ${ceiling.serverCpu.toFixed(1)} s` });
  for (const workers of [0, 1]) {
    const on = median(`on${workers}`);
    const off = median(`off${workers}`);
    const ratio = on.perCpu / ceiling.perCpu;
    const where = workers ? "1 worker thread" : "in-process worker";
    rows.push({ scenario: "fan-out 1000 subs, metrics on (median of 3)", target: `scx, ${where}, no api.key or admin`,
      figure: figure(off), cpu: `server ${off.serverCpu.toFixed(1)} s`,
      note: `${(off.perCpu / ceiling.perCpu).toFixed(2)} of ceiling` });
    rows.push({ scenario: "fan-out 1000 subs, metrics on (median of 3)", target: `scx, ${where}, hub + /metrics scraped each second`,
      figure: figure(on), cpu: `server ${on.serverCpu.toFixed(1)} s`,
      note: `${ratio.toFixed(2)} of ceiling (target ≥ 0.9), ${(on.perCpu / off.perCpu).toFixed(2)} of metrics off, ${on.scrapes} scrapes` });
    results[`fanout_metrics_workers_${workers}`] = { on: on.result, off: off.result, ratio, scrapes: on.scrapes };
  }
  results.fanout_metrics_ceiling = ceiling.result;
}
