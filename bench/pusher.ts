/**
 * The Pusher scenario of `npm run bench` (issue 16): fan-out of one channel to 1,000
 * Pusher-protocol subscribers beside the same fan-out to 1,000 SocketCluster subscribers,
 * per server CPU-second of the publishing phase, interleaved rounds on fresh servers
 * (target: Pusher at least 0.8 of SocketCluster). The publisher is a SocketCluster client
 * in both; Pusher frames are made once per worker per publication.
 *
 * @example
 * await pusherScenario(rows, results); // from bench/run.ts
 */
import { cpuSeconds, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

async function measure(workers: number, protocol: "sc" | "pusher", load: Record<string, number>) {
  const server = await startServer("pusherServer.ts", [String(workers)]);
  const proc = Bun.spawn([process.execPath, new URL("./pusherLoad.ts", import.meta.url).pathname, JSON.stringify({ port: server.port, protocol, ...load })],
    { stdout: "pipe", stderr: "inherit" });
  let before = 0;
  let last = "";
  let buffer = "";
  for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
    buffer += new TextDecoder().decode(chunk);
    let at: number;
    while ((at = buffer.indexOf("\n")) !== -1) {
      last = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      // Count the server's CPU from the first publication on (connecting is not fan-out).
      if (last === "READY") before = cpuSeconds(server.pid);
    }
  }
  await proc.exited;
  const serverCpu = cpuSeconds(server.pid) - before;
  await server.stop();
  const result = JSON.parse(last) as { deliveries: number; seconds: number; perSecond: number };
  return { ...result, serverCpu, perCpu: result.deliveries / Math.max(serverCpu, 0.01) };
}

export async function pusherScenario(rows: Row[], results: Record<string, unknown>, rounds = 3): Promise<void> {
  const load = { subscribers: 1000, messages: 2000, burst: 50 };
  for (const workers of [0, 2]) {
    const runs: Record<"sc" | "pusher", Awaited<ReturnType<typeof measure>>[]> = { sc: [], pusher: [] };
    for (let i = 0; i < rounds; i++) {
      runs.sc.push(await measure(workers, "sc", load));
      runs.pusher.push(await measure(workers, "pusher", load));
    }
    const median = (list: Awaited<ReturnType<typeof measure>>[]) => [...list].sort((a, b) => a.perCpu - b.perCpu)[Math.floor(list.length / 2)]!;
    const sc = median(runs.sc);
    const pusher = median(runs.pusher);
    const ratio = pusher.perCpu / sc.perCpu;
    const target = workers ? `scx, ${workers} worker threads` : "scx, in-process worker";
    const figure = (run: typeof sc) => `${Math.round(run.perCpu).toLocaleString()} deliveries per server CPU-s (${Math.round(run.perSecond).toLocaleString()}/s)`;
    rows.push({ scenario: `fan-out 1000 SocketCluster subs (median of ${rounds})`, target, figure: figure(sc), cpu: `server ${sc.serverCpu.toFixed(2)} s` });
    rows.push({ scenario: `fan-out 1000 Pusher subs (median of ${rounds})`, target, figure: figure(pusher), cpu: `server ${pusher.serverCpu.toFixed(2)} s`, note: `${ratio.toFixed(2)} of SocketCluster per CPU-s (target ≥ 0.8)` });
    results[`pusher_fanout_workers_${workers}`] = { sc, pusher, ratio };
  }
}
