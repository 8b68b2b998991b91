/**
 * The server API scenario of `npm run bench` (issue 13): POST /api/publish requests/s to
 * one channel with 1,000 subscribers, with 32 requests in flight, in-process and with 2
 * worker threads (each request lands on a random worker, which publishes through the
 * brokers). Median of three by requests/s.
 *
 * @example
 * await apiScenario(rows, results); // from bench/run.ts
 */
import { cpuSeconds, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

async function once(workers: number, args: Record<string, unknown>) {
  const server = await startServer("apiServer.ts", [String(workers)]);
  const before = cpuSeconds(server.pid);
  const proc = Bun.spawn([process.execPath, new URL("./apiLoad.ts", import.meta.url).pathname, JSON.stringify({ port: server.port, ...args })], { stdout: "pipe", stderr: "inherit" });
  const text = await new Response(proc.stdout as ReadableStream).text();
  await proc.exited;
  const serverCpu = cpuSeconds(server.pid) - before;
  await server.stop();
  return { result: JSON.parse(text.trim().split("\n").pop()!), serverCpu };
}

export async function apiScenario(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const args = { subscribers: 1000, requests: 3000, concurrency: 32 };
  for (const workers of [0, 2]) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await once(workers, args));
    runs.sort((a, b) => a.result.perSecond - b.result.perSecond);
    const { result, serverCpu } = runs[1]!;
    rows.push({
      scenario: "API publish, 1000 subs (median of 3)", target: workers ? `scx, ${workers} worker threads` : "scx, in-process worker",
      figure: `${Math.round(result.perSecond).toLocaleString()} requests/s`, cpu: `server ${serverCpu.toFixed(1)} s`,
      note: `${Math.round(result.deliveriesPerSecond).toLocaleString()} deliveries/s, ${result.failed} failed`,
    });
    results[`api_publish_workers_${workers}`] = result;
  }
}
