/**
 * The churn scenario of `npm run bench` (issue 10): subscribe + unsubscribe of fresh
 * channels, both acked, per server CPU-second, against the Bun.serve ceiling measured in
 * the same run (interleaved rounds, median of three). Target ≥ 0.8 of the ceiling. Each
 * server first takes a warm-up round the figures leave out: what is compared is the steady
 * state, not the JIT compiling scx's (larger) code once, a constant whatever the run's length.
 * The server runs on one core with all its threads and the load generator on the other
 * (taskset), as the issue's per-core figures are taken: unpinned, how the threads of both
 * share the 2 cores moves the CPU per cycle by ±15% from run to run.
 *
 * @example
 * await churnScenario(rows, results); // from bench/run.ts
 */
import { cpuSeconds, pinnedTo, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

// Long enough that the 10 ms scheduler noise is small against it; the warm-up round runs before the measured span.
const load = { clients: 100, cycles: 1500, warmup: 500 };

/** One run against a fresh server: cycles per wall second and per server CPU-second of the churn alone. */
export async function churnOnce(script: string, args: string[]) {
  // Pinned, as the issue measures per server core: the server (every thread) on core 0, the load on core 1.
  const server = await startServer(script, args, { pin: 0 });
  const proc = Bun.spawn([...pinnedTo(1), process.execPath, new URL("./churnLoad.ts", import.meta.url).pathname, JSON.stringify({ port: server.port, ...load })],
    { stdout: "pipe", stdin: "pipe", stderr: "inherit" });
  let buffer = "";
  let last = "";
  let before = 0;
  for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
    buffer += new TextDecoder().decode(chunk);
    let at: number;
    while ((at = buffer.indexOf("\n")) !== -1) {
      last = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      if (last === "READY") {
        before = cpuSeconds(server.pid);
        proc.stdin!.write("go\n");
        proc.stdin!.flush();
      }
    }
  }
  const serverCpu = cpuSeconds(server.pid) - before;
  await proc.exited;
  await server.stop();
  const result = JSON.parse(last);
  return { ...result, serverCpu, perCpuSecond: result.cycles / Math.max(serverCpu, 0.01) };
}

/**
 * Each round brackets every scx run between two ceiling runs (ceiling, in-process,
 * ceiling, one worker thread, ceiling); a run's ratio is against the mean of its two
 * brackets, and a run whose brackets differ by more than 20% is set aside (this VM's CPU
 * speed can change by 2× from one second to the next; a ratio across such a change says
 * nothing). The figure is the median ratio of the rounds kept.
 */
export async function churnScenario(rows: Row[], results: Record<string, unknown>, rounds = 5): Promise<void> {
  type Run = Awaited<ReturnType<typeof churnOnce>>;
  // One worker thread is the host's sole worker (answered at once: src/config/soleWorkerId.ts);
  // with two, a fresh channel's subscribe waits on its broker, as on any host with several workers.
  const variants: Array<[string, string[], string]> = [
    ["scx0", ["0"], "scx, in-process worker"],
    ["scx1", ["1"], "scx, 1 worker thread (sole worker)"],
    ["scx2", ["2"], "scx, 2 worker threads (subscribe waits on its broker)"],
  ];
  const ceilings: Run[] = [];
  const kept: Record<string, Array<{ run: Run; ratio: number }>> = Object.fromEntries(variants.map(([name]) => [name, []]));
  const setAside: Record<string, number> = Object.fromEntries(variants.map(([name]) => [name, 0]));
  for (let round = 0; round < rounds; round++) {
    let before = await churnOnce("ceilingServer.ts", []);
    ceilings.push(before);
    for (const [name, args] of variants) {
      const run = await churnOnce("scxServer.ts", args);
      const after = await churnOnce("ceilingServer.ts", []);
      ceilings.push(after);
      const [low, high] = [before.perCpuSecond, after.perCpuSecond].sort((x, y) => x - y) as [number, number];
      if (high > low * 1.2) setAside[name]!++;
      else kept[name]!.push({ run, ratio: run.perCpuSecond / ((low + high) / 2) });
      before = after;
    }
  }
  const middle = (values: number[]) => values.length ? [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]! : NaN;
  const pinned = pinnedTo(0).length > 0 ? "server pinned to core 0, load to core 1" : "unpinned (no taskset)";
  const label = `churn: ${load.clients} clients × ${load.cycles} subscribe+unsubscribe of fresh channels, acked, after ${load.warmup} warm-up, ${pinned} (${rounds} rounds)`;
  rows.push({
    scenario: label, target: "Bun.serve topics (ceiling)",
    figure: `${Math.round(middle(ceilings.map((r) => r.perCpuSecond))).toLocaleString()} cycles per server CPU-s, ${Math.round(middle(ceilings.map((r) => r.perSecond))).toLocaleString()}/s`,
    note: `all: ${ceilings.map((r) => Math.round(r.perCpuSecond)).join(", ")}`,
  });
  results.churn_ceiling = { all: ceilings.map((r) => r.perCpuSecond) };
  for (const [name, , target] of variants) {
    const list = kept[name]!;
    const ratio = middle(list.map((k) => k.ratio));
    const errors = list.reduce((sum, k) => sum + (k.run.errors ?? 0), 0);
    rows.push({
      scenario: label,
      target,
      figure: `${Math.round(middle(list.map((k) => k.run.perCpuSecond))).toLocaleString()} cycles per server CPU-s, ${Math.round(middle(list.map((k) => k.run.perSecond))).toLocaleString()}/s`,
      cpu: `server ${middle(list.map((k) => k.run.serverCpu)).toFixed(2)} s`,
      note: `${ratio.toFixed(2)} of the ceiling per CPU-s, median ratio to the bracketing ceiling runs (target ≥ 0.8); rounds: ${list.map((k) => k.ratio.toFixed(2)).join(", ")}${setAside[name] ? `; ${setAside[name]} set aside (brackets differed > 20%)` : ""}${errors ? `; ${errors} errors` : ""}`,
    });
    results[`churn_${name}`] = { ratio, ratios: list.map((k) => k.ratio), setAside: setAside[name], errors };
  }
}
