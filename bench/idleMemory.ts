/**
 * The idle-memory scenario of `npm run bench` (issue 10): KB of RSS per idle subscribed
 * connection (10,000, one channel of 100 each), scx in-process against the Bun.serve
 * ceiling in the same run; interleaved rounds, median of three. Targets: ≤ 4.0 KB and
 * ≤ 1.3× the ceiling.
 *
 * @example
 * await idleMemoryScenario(rows, results); // from bench/run.ts
 */
import { rssKb, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

const count = 10_000;

/**
 * RSS before, after half and after all connections (each after a forced GC); KB per
 * connection. RSS after a GC still depends on when the allocators hand freed pages back,
 * so single runs of scx spread by about ±25%: hence rounds and medians.
 */
export async function idleOnce(script: string, args: string[]) {
  const server = await startServer(script, args);
  const settle = () => server.command("gc", "GC");
  await settle();
  const rss = [rssKb(server.pid)];
  const proc = Bun.spawn([process.execPath, new URL("./loadgen.ts", import.meta.url).pathname, "idle", JSON.stringify({ port: server.port, count })],
    { stdout: "pipe", stdin: "pipe", stderr: "inherit" });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  for (const expected of [count / 2, count]) {
    let text = "";
    while (!text.includes(`"ready":${expected}`)) text += new TextDecoder().decode((await reader.read()).value);
    await settle();
    rss.push(rssKb(server.pid));
    proc.stdin!.write("next\n");
    proc.stdin!.flush();
  }
  await proc.exited;
  await server.stop();
  // Average over all 10,000, and the marginal cost of the second 5,000 (which leaves out
  // the one-off growth of the first connections: JIT, heap and allocator warm-up).
  return { rssKb: rss, averageKb: (rss[2]! - rss[0]!) / count, marginalKb: (rss[2]! - rss[1]!) / (count / 2) };
}

export async function idleMemoryScenario(rows: Row[], results: Record<string, unknown>, rounds = 3): Promise<void> {
  const runs: Record<string, Awaited<ReturnType<typeof idleOnce>>[]> = { ceiling: [], scx: [] };
  for (let round = 0; round < rounds; round++) {
    runs.ceiling!.push(await idleOnce("ceilingServer.ts", []));
    runs.scx!.push(await idleOnce("scxServer.ts", ["0"]));
  }
  const median = (name: string) => [...runs[name]!].sort((a, b) => a.averageKb - b.averageKb)[Math.floor(rounds / 2)]!;
  const ceiling = median("ceiling");
  const scx = median("scx");
  const ratio = scx.averageKb / ceiling.averageKb;
  const mb = (run: typeof scx) => run.rssKb.map((kb) => Math.round(kb / 1024)).join(" → ");
  const all = (name: string) => runs[name]!.map((run) => run.averageKb.toFixed(2)).join(", ");
  rows.push({ scenario: `idle memory, 10,000 subscribed (median of ${rounds})`, target: "Bun.serve topics (ceiling)",
    figure: `${ceiling.averageKb.toFixed(2)} KB/connection average, ${ceiling.marginalKb.toFixed(2)} KB marginal`, note: `RSS ${mb(ceiling)} MB; all: ${all("ceiling")}` });
  rows.push({ scenario: `idle memory, 10,000 subscribed (median of ${rounds})`, target: "scx, in-process worker",
    figure: `${scx.averageKb.toFixed(2)} KB/connection average, ${scx.marginalKb.toFixed(2)} KB marginal`,
    note: `${ratio.toFixed(2)}× ceiling (target ≤ 4 KB and ≤ 1.3×); RSS ${mb(scx)} MB; all: ${all("scx")}` });
  results.memory_ceilingServer = ceiling;
  results.memory_scxServer = { ...scx, ratio };
}
