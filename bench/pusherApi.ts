/**
 * The Pusher HTTP API scenario (issue 16): signed POST /apps/{id}/events requests/s to one
 * channel with 1,000 SocketCluster subscribers, beside POST /api/publish of the same
 * `{ event, data }` on the same server, in interleaved rounds (32 requests in flight; in-process
 * and with 2 worker threads). Median of three by requests/s each.
 * `bun bench/pusherApi.ts` runs it alone and prints the rows.
 *
 * @example
 * await pusherApiScenario(rows, results); // from bench/run.ts
 */
import { cpuSeconds, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

async function once(workers: number, args: Record<string, unknown>) {
  const server = await startServer("pusherApiServer.ts", [String(workers)]);
  const before = cpuSeconds(server.pid);
  const proc = Bun.spawn([process.execPath, new URL("./pusherApiLoad.ts", import.meta.url).pathname, JSON.stringify({ port: server.port, ...args })], { stdout: "pipe", stderr: "inherit" });
  const text = await new Response(proc.stdout as ReadableStream).text();
  await proc.exited;
  const serverCpu = cpuSeconds(server.pid) - before;
  await server.stop();
  return { result: JSON.parse(text.trim().split("\n").pop()!), serverCpu };
}

export async function pusherApiScenario(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const args = { subscribers: 1000, requests: 3000, concurrency: 32 };
  for (const workers of [0, 2]) {
    const runs: Record<"pusher" | "api", Awaited<ReturnType<typeof once>>[]> = { pusher: [], api: [] };
    for (let i = 0; i < 3; i++) for (const route of ["pusher", "api"] as const) runs[route].push(await once(workers, { ...args, route }));
    const median = (list: Awaited<ReturnType<typeof once>>[]) => list.sort((a, b) => a.result.perSecond - b.result.perSecond)[1]!;
    const pusher = median(runs.pusher);
    const api = median(runs.api);
    for (const [label, run] of [["Pusher POST /apps/{id}/events", pusher], ["POST /api/publish", api]] as const) {
      rows.push({
        scenario: "HTTP publish, 1000 subs (median of 3)", target: `${label}, ${workers ? `${workers} worker threads` : "in-process worker"}`,
        figure: `${Math.round(run.result.perSecond).toLocaleString()} requests/s`, cpu: `server ${run.serverCpu.toFixed(1)} s`,
        note: `${Math.round(run.result.deliveriesPerSecond).toLocaleString()} deliveries/s, ${run.result.failed} failed` +
          (run === pusher ? `; ${(pusher.result.perSecond / api.result.perSecond).toFixed(2)} of /api/publish` : ""),
      });
    }
    results[`pusher_api_publish_workers_${workers}`] = { pusher: pusher.result, api: api.result, ratio: pusher.result.perSecond / api.result.perSecond };
  }
}

if (import.meta.main) {
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  await pusherApiScenario(rows, results);
  console.table(rows);
  console.log(JSON.stringify(results));
}
