/**
 * The churn scenario of `npm run bench` (issue 10): subscribe + unsubscribe of fresh
 * channels, both acked, per server CPU-second, against the Bun.serve ceiling measured in
 * the same run (interleaved rounds, median of three). Target ≥ 0.8 of the ceiling. Each
 * server first takes a warm-up round the figures leave out: what is compared is the steady
 * state, not the JIT compiling scx's (larger) code once, a constant whatever the run's length.
 *
 * @example
 * await churnScenario(rows, results); // from bench/run.ts
 */
import { cpuSeconds, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

// Long enough that the 10 ms scheduler noise is small against it; the warm-up round runs before the measured span.
const load = { clients: 100, cycles: 1500, warmup: 500 };

/** One run against a fresh server: cycles per wall second and per server CPU-second of the churn alone. */
export async function churnOnce(script: string, args: string[]) {
  const server = await startServer(script, args);
  const proc = Bun.spawn([process.execPath, new URL("./churnLoad.ts", import.meta.url).pathname, JSON.stringify({ port: server.port, ...load })],
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

export async function churnScenario(rows: Row[], results: Record<string, unknown>, rounds = 3): Promise<void> {
  const servers: Array<[string, string, string[]]> = [
    ["ceiling", "ceilingServer.ts", []], ["scx0", "scxServer.ts", ["0"]], ["scx1", "scxServer.ts", ["1"]],
  ];
  const runs: Record<string, Awaited<ReturnType<typeof churnOnce>>[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, script, args] of servers) (runs[name] ??= []).push(await churnOnce(script, args));
  }
  const median = (name: string) => [...runs[name]!].sort((a, b) => a.perCpuSecond - b.perCpuSecond)[Math.floor(rounds / 2)]!;
  const ceiling = median("ceiling");
  const label = `churn: ${load.clients} clients × ${load.cycles} subscribe+unsubscribe of fresh channels, acked, after ${load.warmup} warm-up (median of ${rounds})`;
  for (const [name, , args] of servers) {
    const run = median(name);
    const ratio = run.perCpuSecond / ceiling.perCpuSecond;
    rows.push({
      scenario: label,
      target: name === "ceiling" ? "Bun.serve topics (ceiling)" : args[0] === "0" ? "scx, in-process worker" : "scx, 1 worker thread",
      figure: `${Math.round(run.perCpuSecond).toLocaleString()} cycles per server CPU-s, ${Math.round(run.perSecond).toLocaleString()}/s`,
      cpu: `server ${run.serverCpu.toFixed(2)} s`,
      note: name === "ceiling" ? `all: ${runs[name]!.map((r) => Math.round(r.perCpuSecond)).join(", ")}`
        : `${ratio.toFixed(2)} of ceiling per CPU-s (target ≥ 0.8); all: ${runs[name]!.map((r) => Math.round(r.perCpuSecond)).join(", ")}${run.errors ? `; ${run.errors} errors` : ""}`,
    });
    results[`churn_${name}`] = { ...run, ratio, all: runs[name]!.map((r) => r.perCpuSecond) };
  }
}
