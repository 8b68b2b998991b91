/**
 * The presence scenario of `npm run bench` (issue 12): 10,000 members joining one
 * channel, subscribe rate with and without presence (memory engine; target: presence
 * costs at most 25% of the subscribe rate), and join/leave churn on a joinLeave channel.
 *
 * @example
 * await presenceScenario(rows, results); // from bench/run.ts
 */
import { cpuSeconds, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

async function load(kind: "join" | "churn", args: Record<string, unknown>): Promise<any> {
  const proc = Bun.spawn([process.execPath, new URL("./presenceLoad.ts", import.meta.url).pathname, kind, JSON.stringify(args)], { stdout: "pipe", stderr: "inherit" });
  const text = await new Response(proc.stdout as ReadableStream).text();
  await proc.exited;
  return JSON.parse(text.trim().split("\n").pop()!);
}

async function measure(workers: number, kind: "join" | "churn", args: Record<string, unknown>) {
  const server = await startServer("presenceServer.ts", [String(workers)]);
  const before = cpuSeconds(server.pid);
  const result = await load(kind, { port: server.port, ...args });
  const serverCpu = cpuSeconds(server.pid) - before;
  await server.stop();
  return { result, serverCpu };
}

/** Median of three by subscribe rate: the load generator shares the cores, so single runs wander. */
async function median(workers: number, channel: string, count: number) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await measure(workers, "join", { count, channel }));
  runs.sort((a, b) => a.result.subscribesPerSecond - b.result.subscribesPerSecond);
  return runs[1]!;
}

export async function presenceScenario(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const count = 10_000;
  for (const workers of [0, 2]) {
    const target = workers ? `scx, ${workers} worker threads` : "scx, in-process worker";
    const plain = await median(workers, "plain/one", count);
    const presence = await median(workers, "presence/one", count);
    const cost = 1 - presence.result.subscribesPerSecond / plain.result.subscribesPerSecond;
    for (const [label, run] of [["plain channel", plain], ["presence: true", presence]] as const) {
      rows.push({
        scenario: `10,000 members join one channel, ${label} (median of 3)`, target,
        figure: `${Math.round(run.result.subscribesPerSecond).toLocaleString()} subscribes/s; connect + subscribe ${Math.round(run.result.connectAndSubscribePerSecond).toLocaleString()}/s`,
        cpu: `server ${run.serverCpu.toFixed(1)} s`,
        note: run === presence ? `presence costs ${(cost * 100).toFixed(0)}% of the subscribe rate (target ≤ 25%); stats ${JSON.stringify(run.result.stats)}` : undefined,
      });
    }
    results[`presence_join_workers_${workers}`] = { plain: plain.result, presence: presence.result, cost };
  }
  const churn = await measure(2, "churn", { members: 1000, churners: 50, cycles: 40, channel: "joinleave/churn" });
  rows.push({
    scenario: "join/leave churn: 1,000 watching, 50 × 40 subscribe+unsubscribe", target: "scx, 2 worker threads",
    figure: `${Math.round(churn.result.cyclesPerSecond).toLocaleString()} cycles/s; ${Math.round(churn.result.eventsPerSecond).toLocaleString()} #join/#leave deliveries/s`,
    cpu: `server ${churn.serverCpu.toFixed(1)} s`, note: `${churn.result.events.toLocaleString()} of ${churn.result.expected.toLocaleString()} events delivered`,
  });
  results.presence_churn = churn.result;
}
