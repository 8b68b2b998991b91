/**
 * Scaling: the same load against 1, 2, 4, … socket workers up to the CPU count (1 broker),
 * to check "scales with cores" on a machine that has them. Two figures per worker count:
 * fan-out deliveries per second (one load process per worker, each with its own channel,
 * 500 subscribers and a publisher, all publishing at once: bench/scalingLoad.ts) and
 * connections per second (connect, handshake, close; one client process per worker). Server CPU seconds are printed beside each, so a run
 * where the load generators and the server share too few cores shows itself.
 * `bun bench/scaling.ts [maxWorkers]` runs it alone.
 */
import { cpuSeconds, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

/** 1, 2, 4, … and the CPU count itself. */
export function workerCounts(cpus: number): number[] {
  const counts: number[] = [];
  for (let n = 1; n < cpus; n *= 2) counts.push(n);
  counts.push(cpus);
  return counts;
}

const load = new URL("./scalingLoad.ts", import.meta.url).pathname;

/** Spawn the load processes; each prints JSON last (and "READY" first, in fanout mode). */
function spawnLoad(mode: string, args: Record<string, unknown>) {
  const proc = Bun.spawn([process.execPath, load, mode, JSON.stringify(args)], { stdout: "pipe", stdin: "pipe", stderr: "inherit" });
  let text = "";
  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => { ready = resolve; });
  const done = (async () => {
    for await (const chunk of proc.stdout) {
      text += new TextDecoder().decode(chunk);
      if (text.includes("READY")) ready();
    }
    await proc.exited;
    return JSON.parse(text.trim().split("\n").at(-1)!);
  })();
  return { isReady, done, go() { proc.stdin.write("go\n"); proc.stdin.flush(); } };
}

/** Fan-out from `processes` load processes at once (each its own channel); deliveries/s over the slowest one's publish phase. */
async function fanoutRate(pid: number, port: number, processes: number) {
  const loads = Array.from({ length: processes }, (_, i) => spawnLoad("fanout", { port, subscribers: 500, messages: 2000, burst: 50, channel: `scale${i}` }));
  await Promise.all(loads.map((l) => l.isReady));
  const cpu = cpuSeconds(pid);
  const started = performance.now();
  for (const l of loads) l.go();
  const runs = await Promise.all(loads.map((l) => l.done));
  const seconds = (performance.now() - started) / 1000;
  const deliveries = runs.reduce((sum, run) => sum + run.deliveries, 0);
  return { perSecond: deliveries / seconds, deliveries, seconds, serverCpu: cpuSeconds(pid) - cpu };
}

/** Connect + handshake + close from `processes` client processes at once. */
async function connectionRate(pid: number, port: number, processes: number, connections: number) {
  const cpu = cpuSeconds(pid);
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: processes }, () =>
    spawnLoad("connect", { port, connections: Math.ceil(connections / processes), concurrency: 50 }).done));
  const seconds = (performance.now() - started) / 1000;
  const done = runs.reduce((sum, run) => sum + run.connections, 0);
  return { perSecond: done / seconds, seconds, serverCpu: cpuSeconds(pid) - cpu, failed: runs.reduce((sum, run) => sum + run.failed, 0) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** `rounds` rounds, each over every worker count (interleaved, so each count sees the same machine); medians. */
export async function scalingScenario(rows: Row[], results: Record<string, unknown>, maxWorkers = navigator.hardwareConcurrency, rounds = 3): Promise<void> {
  const counts = workerCounts(maxWorkers);
  const runs = new Map(counts.map((workers) => [workers, [] as Array<{ fan: Awaited<ReturnType<typeof fanoutRate>>; connect: Awaited<ReturnType<typeof connectionRate>> }>]));
  for (let round = 0; round < rounds; round++) {
    for (const workers of counts) {
      const server = await startServer("scxServer.ts", [String(workers)]);
      // One load process per worker: on a machine with the cores, the load scales with the server.
      const fan = await fanoutRate(server.pid, server.port, workers);
      const connect = await connectionRate(server.pid, server.port, workers, 4000 * workers);
      await server.stop();
      runs.get(workers)!.push({ fan, connect });
    }
  }
  const out: Record<string, unknown> = {};
  let base: { fanout: number; connect: number } | null = null;
  for (const workers of counts) {
    const list = runs.get(workers)!;
    const fanout = median(list.map((run) => run.fan.perSecond));
    const fanPerCpu = median(list.map((run) => run.fan.deliveries / Math.max(run.fan.serverCpu, 0.01)));
    const fanCores = median(list.map((run) => run.fan.serverCpu / run.fan.seconds));
    const connect = median(list.map((run) => run.connect.perSecond));
    const connectPerCpu = median(list.map((run) => (run.connect.perSecond * run.connect.seconds) / Math.max(run.connect.serverCpu, 0.01)));
    const connectCores = median(list.map((run) => run.connect.serverCpu / run.connect.seconds));
    const failed = list.reduce((sum, run) => sum + run.connect.failed, 0);
    base ??= { fanout, connect };
    const target = `${workers} worker thread${workers > 1 ? "s" : ""}, 1 broker`;
    rows.push({ scenario: `scaling: fan-out, 500 subs per worker (median of ${rounds})`, target,
      figure: `${Math.round(fanout).toLocaleString()} deliveries/s (${(fanout / base.fanout).toFixed(2)}× 1 worker)`,
      cpu: `${fanCores.toFixed(2)} server cores busy`, note: `${Math.round(fanPerCpu).toLocaleString()} per server CPU-s` });
    rows.push({ scenario: `scaling: connect + handshake + close (median of ${rounds})`, target,
      figure: `${Math.round(connect).toLocaleString()} connections/s (${(connect / base.connect).toFixed(2)}× 1 worker)`,
      cpu: `${connectCores.toFixed(2)} server cores busy`, note: `${Math.round(connectPerCpu).toLocaleString()} per server CPU-s${failed ? `; ${failed} failed` : ""}` });
    out[`workers_${workers}`] = { fanout, fanPerCpu, fanCores, connect, connectPerCpu, connectCores, runs: list };
  }
  results.scaling = { cpus: navigator.hardwareConcurrency, ...out };
}

if (import.meta.main) {
  const rows: Row[] = [];
  await scalingScenario(rows, {}, Number(process.argv[2] ?? navigator.hardwareConcurrency));
  for (const row of rows) console.log([row.scenario, row.target, row.figure, row.cpu ?? "", row.note ?? ""].join("  |  "));
}
