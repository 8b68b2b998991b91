/**
 * `npm run bench`: every scenario in its own processes (servers and the load generator
 * apart), printed as a table and written to bench/results.json. `--only <name>` runs one.
 * On a 2-core machine the load generator shares the cores with the server: CPU seconds
 * of both are printed beside each figure so the reader can judge.
 */
import { cpuSeconds, loadgen, startServer } from "./processes.ts";
import { presenceScenario } from "./presence.ts";
import { apiScenario } from "./api.ts";
import { metricsScenario } from "./metrics.ts";
import { codecsScenario } from "./codecs.ts";
import { limitsScenario } from "./limits.ts";
import { startupScenario } from "./startup.ts";
import { scalingScenario } from "./scaling.ts";
import { webhooksScenario } from "./webhooks.ts";
import { pusherScenario } from "./pusher.ts";
import { pusherApiScenario } from "./pusherApi.ts";
import { churnScenario } from "./churn.ts";
import { idleMemoryScenario } from "./idleMemory.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }
const rows: Row[] = [];
const results: Record<string, unknown> = {};
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : null;

async function measure(script: string, args: string[], scenario: string, loadArgs: Record<string, unknown>) {
  const server = await startServer(script, args);
  const before = cpuSeconds(server.pid);
  const run = await loadgen(scenario, { port: server.port, ...loadArgs });
  const serverCpu = cpuSeconds(server.pid) - before;
  await server.stop();
  return { ...run, serverCpu };
}

/** The run with the median rate of three: the load generator shares the cores, so single runs wander. */
async function median(runs: number, once: () => ReturnType<typeof measure>) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  results.sort((a, b) => a.result.perSecond - b.result.perSecond);
  return results[Math.floor(runs / 2)];
}

const cpuNote = (server: number, load: number) => `server ${server.toFixed(1)} s, loadgen ${load.toFixed(1)} s`;

const scenarios: Record<string, () => Promise<void>> = {
  async fanout() {
    const load = { subscribers: 1000, messages: 2000, burst: 50 };
    const ceiling = await median(3, () => measure("ceilingServer.ts", [], "fanout", load));
    rows.push({ scenario: "fan-out 1000 subs (median of 3)", target: "Bun.serve topics (ceiling)", figure: `${Math.round(ceiling.result.perSecond).toLocaleString()} deliveries/s`, cpu: cpuNote(ceiling.serverCpu, ceiling.cpu) });
    for (const workers of [0, 1, 2]) {
      const scx = await median(3, () => measure("scxServer.ts", [String(workers)], "fanout", load));
      const ratio = scx.result.perSecond / ceiling.result.perSecond;
      rows.push({
        scenario: "fan-out 1000 subs (median of 3)", target: workers === 0 ? "scx, in-process worker" : `scx, ${workers} worker thread${workers > 1 ? "s" : ""}`,
        figure: `${Math.round(scx.result.perSecond).toLocaleString()} deliveries/s`, cpu: cpuNote(scx.serverCpu, scx.cpu),
        note: `${ratio.toFixed(2)} of ceiling${workers <= 1 ? " (target ≥ 0.9)" : ""}`,
      });
      results[`fanout_workers_${workers}`] = { ...scx.result, ratio };
    }
    // The broker default: one broker thread against two, both with 2 socket workers.
    const twoBrokers = await median(3, () => measure("scxServer.ts", ["2", "", "2"], "fanout", load));
    rows.push({ scenario: "fan-out 1000 subs (median of 3)", target: "scx, 2 worker threads, 2 brokers",
      figure: `${Math.round(twoBrokers.result.perSecond).toLocaleString()} deliveries/s`, cpu: cpuNote(twoBrokers.serverCpu, twoBrokers.cpu),
      note: `${(twoBrokers.result.perSecond / ceiling.result.perSecond).toFixed(2)} of ceiling` });
    results.fanout_workers_2_brokers_2 = twoBrokers.result;
    results.fanout_ceiling = ceiling.result;
  },

  /** Issue 11: a history channel (memory engine) beside the ephemeral one, per server CPU-second. */
  async history() {
    const load = { subscribers: 1000, messages: 2000, burst: 50 };
    for (const workers of [0, 2]) {
      const ephemeral = await median(3, () => measure("scxServer.ts", [String(workers)], "fanout", load));
      const history = await median(3, () => measure("scxServer.ts", [String(workers)], "fanout", { ...load, channel: "history/fan" }));
      const perCpu = (run: typeof ephemeral) => run.result.perSecond / Math.max(run.serverCpu, 0.01) * run.result.seconds;
      const ratio = perCpu(history) / perCpu(ephemeral);
      const target = workers ? `scx, ${workers} worker threads` : "scx, in-process worker";
      rows.push({ scenario: "fan-out 1000 subs, ephemeral channel", target, figure: `${Math.round(ephemeral.result.perSecond).toLocaleString()} deliveries/s, ${Math.round(perCpu(ephemeral)).toLocaleString()} per server CPU-s`, cpu: cpuNote(ephemeral.serverCpu, ephemeral.cpu) });
      rows.push({ scenario: "fan-out 1000 subs, history channel (memory)", target, figure: `${Math.round(history.result.perSecond).toLocaleString()} deliveries/s, ${Math.round(perCpu(history)).toLocaleString()} per server CPU-s`, cpu: cpuNote(history.serverCpu, history.cpu), note: `${ratio.toFixed(2)} of ephemeral per CPU-s (target ≥ 0.8)` });
      results[`history_fanout_workers_${workers}`] = { ephemeral: ephemeral.result, history: history.result, ratio };
    }
    const recovery = await measure("scxServer.ts", ["2"], "recovery", { clients: 1000, missed: 100 });
    rows.push({ scenario: "recovery: 1,000 clients × 100 missed", target: "scx, 2 worker threads",
      figure: `all caught up in ${(recovery.result.seconds * 1000).toFixed(0)} ms (${recovery.result.recovered} recovered:true, reconnects included)`, cpu: cpuNote(recovery.serverCpu, recovery.cpu) });
    results.recovery = recovery.result;
  },

  async latency() {
    const scx = await measure("scxServer.ts", ["2"], "latency", { subscribers: 200, messages: 300 });
    for (const kind of ["same", "cross"] as const) {
      const r = scx.result[kind];
      if (!r) continue;
      rows.push({ scenario: "publish→deliver latency, 2 workers", target: kind === "same" ? "subscriber on the publisher's worker" : "subscriber on the other worker",
        figure: `p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms (n=${r.n})`, cpu: cpuNote(scx.serverCpu, scx.cpu) });
    }
    results.latency = scx.result;
  },

  async rpc() {
    for (const workers of [0, 2]) {
      const scx = await measure("scxServer.ts", [String(workers)], "rpc", { clients: 50, calls: 400 });
      rows.push({ scenario: "RPC round trips, 50 clients", target: workers ? `scx, ${workers} worker threads` : "scx, in-process worker",
        figure: `${Math.round(scx.result.perSecond).toLocaleString()}/s, p50 ${scx.result.p50.toFixed(3)} ms, p99 ${scx.result.p99.toFixed(3)} ms`, cpu: cpuNote(scx.serverCpu, scx.cpu) });
      results[`rpc_workers_${workers}`] = scx.result;
    }
  },

  /** Issue 10: subscribe + unsubscribe of fresh channels (acked) per server CPU-second against the ceiling. */
  async churn() {
    await churnScenario(rows, results);
  },

  /** Issue 10: KB per idle subscribed connection against the ceiling, interleaved, median of three (bench/idleMemory.ts). */
  async memory() {
    await idleMemoryScenario(rows, results);
  },

  /** Issue 10: exec → first handshake answered, dist/scx against the compiled ceiling, interleaved, medians (bench/startup.ts). */
  async startup() {
    await startupScenario(rows, results);
  },

  /** Issue 10: fan-out and connections per second with 1, 2, 4, … workers up to the CPU count (bench/scaling.ts). */
  async scaling() {
    await scalingScenario(rows, results);
  },

  /** Issue 13: fan-out with metrics on (hub summing each second, /metrics scraped) against the ceiling. */
  async metrics() {
    await metricsScenario(rows, results);
  },

  /** Issue 13: POST /api/publish requests/s to one channel with 1,000 subscribers. */
  async api() {
    await apiScenario(rows, results);
  },

  /** Issue 15: bytes per frame and fan-out per server CPU-second for each codec; publish validation cost. */
  async codecs() {
    await codecsScenario(rows, results);
  },

  /** Issue 12: 10,000 members joining one channel with and without presence; join/leave churn. */
  async presence() {
    await presenceScenario(rows, results);
  },

  /** Issue 16: fan-out to 1,000 Pusher-protocol subscribers beside 1,000 SocketCluster ones, per server CPU-second. */
  async pusher() {
    await pusherScenario(rows, results);
  },

  /** Issue 16: signed Pusher HTTP API publishes (POST /apps/{id}/events) beside POST /api/publish, requests/s. */
  async pusherApi() {
    await pusherApiScenario(rows, results);
  },

  /** Issue 14: fan-out and RPC with limits that never trigger against none, per server CPU-second. */
  async limits() {
    await limitsScenario(rows, results);
  },

  /** Issue 17: fan-out with webhooks for every channel event against none, per server CPU-second. */
  async webhooks() {
    await webhooksScenario(rows, results);
  },

  async redis() {
    if (Bun.spawnSync(["which", "redis-server"]).exitCode !== 0) {
      rows.push({ scenario: "cross-host via Redis", target: "-", figure: "skipped: no redis-server" });
      return;
    }
    const port = 20000 + Math.floor(Math.random() * 10000);
    const redis = Bun.spawn(["redis-server", "--port", String(port), "--save", "", "--appendonly", "no"], { stdout: "ignore", stderr: "ignore" });
    await Bun.sleep(300);
    const url = `redis://127.0.0.1:${port}`;
    const [a, b] = await Promise.all([startServer("scxServer.ts", ["0", url]), startServer("scxServer.ts", ["0", url])]);
    // Ephemeral, then a history channel (offsets assigned by the Lua script in Redis, which also publishes).
    for (const [channel, kind] of [["hosts", "ephemeral"], ["history/bench", "history channel"]] as const) {
      const before = [cpuSeconds(a.pid), cpuSeconds(b.pid), cpuSeconds(redis.pid)];
      const run = await loadgen("crossHost", { subscriberPort: a.port, publisherPort: b.port, subscribers: 100, messages: 3000, burst: 50, channel });
      const serverCpu = cpuSeconds(a.pid) - before[0] + cpuSeconds(b.pid) - before[1];
      const redisCpu = cpuSeconds(redis.pid) - before[2];
      rows.push({ scenario: `cross-host fan-out via one Redis, 100 subs, ${kind}`, target: "2 scx processes (in-process workers)",
        figure: `${Math.round(run.result.perSecond).toLocaleString()} deliveries/s, latency p50 ${run.result.p50.toFixed(2)} ms, p99 ${run.result.p99.toFixed(2)} ms`,
        cpu: cpuNote(serverCpu, run.cpu), note: `${Math.round(run.result.perSecond / serverCpu).toLocaleString()} deliveries per server CPU-second; redis-server ${redisCpu.toFixed(2)} s` });
      results[channel === "hosts" ? "redis" : "redis_history"] = { ...run.result, serverCpu, redisCpu };
    }
    await Promise.all([a.stop(), b.stop()]);
    redis.kill();
  },
};

for (const [name, scenario] of Object.entries(scenarios)) {
  if (only && only !== name) continue;
  process.stderr.write(`running ${name}…\n`);
  await scenario();
}

const widths = [0, 0, 0, 0, 0];
const table = [["scenario", "target", "figure", "CPU (server, loadgen)", "note"], ...rows.map((r) => [r.scenario, r.target, r.figure, r.cpu ?? "", r.note ?? ""])];
for (const row of table) row.forEach((cell, i) => { widths[i] = Math.max(widths[i], cell.length); });
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
console.log(`\nmachine: ${navigator.hardwareConcurrency} cores; bun ${Bun.version}; the load generator shares the cores with the server`);
await Bun.write(new URL("./results.json", import.meta.url), JSON.stringify({ when: new Date().toISOString(), rows, results }, null, 2));
