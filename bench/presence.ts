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

/** Run the load generator; `phase` is called at each line it prints before its result (CONNECTED, SUBSCRIBED). */
async function load(kind: "join" | "churn", args: Record<string, unknown>, phase: (line: string) => void = () => {}): Promise<any> {
  const proc = Bun.spawn([process.execPath, new URL("./presenceLoad.ts", import.meta.url).pathname, kind, JSON.stringify(args)],
    { stdout: "pipe", stdin: "pipe", stderr: "inherit" });
  let buffer = "";
  let last = "";
  for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
    buffer += new TextDecoder().decode(chunk);
    let at: number;
    while ((at = buffer.indexOf("\n")) !== -1) {
      last = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      if (last === "CONNECTED" || last === "SUBSCRIBED") {
        phase(last);
        proc.stdin!.write("go\n");
        proc.stdin!.flush();
      }
    }
  }
  await proc.exited;
  return JSON.parse(last);
}

/** One run against a fresh server: the load generator's result and the server's CPU seconds. */
export async function measure(workers: number, kind: "join" | "churn", args: Record<string, unknown>) {
  const server = await startServer("presenceServer.ts", [String(workers)]);
  const before = cpuSeconds(server.pid);
  let subscribeStart = 0;
  let subscribeCpu = 0;
  const result = await load(kind, { port: server.port, ...args }, (line) => {
    if (line === "CONNECTED") subscribeStart = cpuSeconds(server.pid);
    else subscribeCpu = cpuSeconds(server.pid) - subscribeStart;
  });
  const serverCpu = cpuSeconds(server.pid) - before;
  await server.stop();
  return { result: { ...result, subscribeCpu, subscribesPerCpuSecond: result.count / Math.max(subscribeCpu, 0.01) }, serverCpu };
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
    // The load generator shares the 2 cores: server CPU per subscribe is the steadier measure.
    const cpuCost = 1 - presence.result.subscribesPerCpuSecond / plain.result.subscribesPerCpuSecond;
    for (const [label, run] of [["plain channel", plain], ["presence: true", presence]] as const) {
      rows.push({
        scenario: `10,000 members join one channel, ${label} (median of 3)`, target,
        figure: `${Math.round(run.result.subscribesPerSecond).toLocaleString()} subscribes/s, ${Math.round(run.result.subscribesPerCpuSecond).toLocaleString()} per server CPU-s; connect + subscribe ${Math.round(run.result.connectAndSubscribePerSecond).toLocaleString()}/s`,
        cpu: `server ${run.serverCpu.toFixed(1)} s (subscribing ${run.result.subscribeCpu.toFixed(2)} s)`,
        note: run === presence ? `presence costs ${(cost * 100).toFixed(0)}% of the subscribe rate, ${(cpuCost * 100).toFixed(0)}% per server CPU-s (target ≤ 25%); stats ${JSON.stringify(run.result.stats)}` : undefined,
      });
    }
    results[`presence_join_workers_${workers}`] = { plain: plain.result, presence: presence.result, cost, cpuCost };
  }
  const churn = await measure(2, "churn", { members: 1000, churners: 50, cycles: 40, channel: "joinleave/churn" });
  rows.push({
    scenario: "join/leave churn: 1,000 watching, 50 × 40 subscribe+unsubscribe", target: "scx, 2 worker threads",
    figure: `${Math.round(churn.result.cyclesPerSecond).toLocaleString()} cycles/s; ${Math.round(churn.result.eventsPerSecond).toLocaleString()} #join/#leave deliveries/s`,
    cpu: `server ${churn.serverCpu.toFixed(1)} s`, note: `${churn.result.events.toLocaleString()} of ${churn.result.expected.toLocaleString()} events delivered`,
  });
  results.presence_churn = churn.result;
}
