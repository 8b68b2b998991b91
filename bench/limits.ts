/**
 * The limits scenario of `npm run bench` (issue 14): fan-out and RPC with `limits.inbound`
 * and a namespace `publish` rate set so high they never trigger, against the same runs
 * without limits, per server CPU-second (target: within 5%). Runs alternate off/on so
 * drift on the shared cores falls on both; the median of each is compared.
 *
 * @example
 * await limitsScenario(rows, results); // from bench/run.ts
 */
import { cpuSeconds, loadgen, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

async function perCpuSecond(workers: number, mode: "on" | "off", scenario: "fanout" | "rpc", load: Record<string, unknown>) {
  const server = await startServer("limitsServer.ts", [String(workers), mode]);
  const before = cpuSeconds(server.pid);
  const run = await loadgen(scenario, { port: server.port, ...load });
  const serverCpu = cpuSeconds(server.pid) - before;
  await server.stop();
  const count = (run.result.deliveries ?? run.result.calls) as number;
  return { perCpu: count / Math.max(serverCpu, 0.01), perSecond: run.result.perSecond as number, serverCpu };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function limitsScenario(rows: Row[], results: Record<string, unknown>, runs = 5): Promise<void> {
  const cases = [
    ["fan-out 1000 subs, client publishes", "fanout", { subscribers: 1000, messages: 2000, burst: 50, channel: "limited/fan" }],
    ["RPC round trips, 50 clients", "rpc", { clients: 50, calls: 1000 }],
  ] as const;
  for (const workers of [0, 1]) {
    const target = workers ? "scx, 1 worker thread" : "scx, in-process worker";
    for (const [label, scenario, load] of cases) {
      const off: number[] = [];
      const on: number[] = [];
      for (let i = 0; i < runs; i++) {
        off.push((await perCpuSecond(workers, "off", scenario, load)).perCpu);
        on.push((await perCpuSecond(workers, "on", scenario, load)).perCpu);
      }
      const ratio = median(on) / median(off);
      rows.push({
        scenario: `${label}, limits never triggering vs none (median of ${runs})`, target,
        figure: `${Math.round(median(on)).toLocaleString()} vs ${Math.round(median(off)).toLocaleString()} per server CPU-s`,
        note: `${ratio.toFixed(3)} of no limits (target ≥ 0.95)`,
      });
      results[`limits_${scenario}_workers_${workers}`] = { on, off, ratio };
    }
  }
}
