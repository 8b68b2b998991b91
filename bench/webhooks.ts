/**
 * The webhooks scenario of `npm run bench` (issue 17): fan-out to 1,000 subscribers with
 * a webhook target for every channel event (each subscriber's subscribe and unsubscribe,
 * channel_occupied, channel_vacated, posted to a receiver in this process) against the
 * same runs without webhooks, per server CPU-second (target: within 5%). Runs alternate
 * off/on so drift on the shared cores falls on both; the medians are compared.
 * `bun bench/webhooks.ts` runs it alone.
 *
 * @example
 * await webhooksScenario(rows, results); // from bench/run.ts
 */
import { cpuSeconds, loadgen, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function webhooksScenario(rows: Row[], results: Record<string, unknown>, runs = 5): Promise<void> {
  let received = 0;
  const receiver = Bun.serve({
    hostname: "127.0.0.1", port: 0,
    async fetch(request) {
      received += (JSON.parse(await request.text()).events as unknown[]).length;
      return new Response("ok");
    },
  });
  const url = `http://127.0.0.1:${receiver.port}/hooks`;
  const load = { subscribers: 1000, messages: 4000, burst: 50, channel: "hooked/fan" };
  for (const workers of [0, 1]) {
    const target = workers ? "scx, 1 worker thread" : "scx, in-process worker";
    const off: number[] = [];
    const on: number[] = [];
    const before = received;
    for (let i = 0; i < runs; i++) {
      for (const mode of ["off", "on"] as const) {
        const server = await startServer("webhooksServer.ts", [String(workers), mode === "on" ? url : "off"]);
        const cpuBefore = cpuSeconds(server.pid);
        const run = await loadgen("fanout", { port: server.port, ...load });
        const serverCpu = cpuSeconds(server.pid) - cpuBefore;
        await server.stop();
        (mode === "on" ? on : off).push(run.result.deliveries / Math.max(serverCpu, 0.01));
      }
    }
    const ratio = median(on) / median(off);
    const events = received - before;
    rows.push({
      scenario: `fan-out 1000 subs × 4000 publications, webhooks for channel events vs none (median of ${runs})`, target,
      figure: `${Math.round(median(on)).toLocaleString()} vs ${Math.round(median(off)).toLocaleString()} deliveries per server CPU-s`,
      note: `${ratio.toFixed(3)} of no webhooks (target ≥ 0.95); ${events.toLocaleString()} webhook events received over ${runs} runs`,
    });
    results[`webhooks_fanout_workers_${workers}`] = { on, off, ratio, events };
  }
  await receiver.stop(true);
}

if (import.meta.main) {
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  await webhooksScenario(rows, results, Number(process.argv[2] ?? 5));
  for (const row of rows) console.log(`${row.scenario} | ${row.target} | ${row.figure} | ${row.note}`);
}
