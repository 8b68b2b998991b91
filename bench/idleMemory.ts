/**
 * The idle-memory scenario of `npm run bench` (issue 10): KB of RSS per idle subscribed
 * connection (10,000, one channel of 100 each), scx in-process against the Bun.serve
 * ceiling in the same run; interleaved rounds, median of three. Targets: ≤ 4.0 KB and
 * ≤ 1.3× the ceiling.
 *
 * @example
 * await idleMemoryScenario(rows, results); // from bench/run.ts
 */
import { rssKb, type Server, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

const count = 10_000;

/** How long RSS may keep falling after a forced GC before the reading is taken anyway. */
const settleLimitMs = 8_000;

/**
 * The server's RSS once it is idle: a forced GC, then again every 500 ms until RSS stops
 * falling. The allocators hand freed pages back to the system on their own schedule (a
 * scavenger about a second after the burst of connects): read at once, RSS still holds
 * the connect burst's garbage (about 0.5–1 KB per connection, on the ceiling too), which
 * an idle server no longer has.
 */
async function idleRss(server: Server): Promise<{ idle: number; atOnce: number }> {
  await server.command("gc", "GC");
  const atOnce = rssKb(server.pid);
  let rss = atOnce;
  for (const start = Date.now(); Date.now() - start < settleLimitMs;) {
    await Bun.sleep(500);
    await server.command("gc", "GC");
    const next = rssKb(server.pid);
    const falling = next < rss * 0.995;
    rss = Math.min(rss, next);
    if (!falling) break;
  }
  return { idle: rss, atOnce };
}

/**
 * RSS before, after half and after all connections (each once idle); KB per connection.
 * Single runs still spread (when the allocators return pages): hence rounds and medians.
 */
export async function idleOnce(script: string, args: string[]) {
  const server = await startServer(script, args);
  const readings = [await idleRss(server)];
  const proc = Bun.spawn([process.execPath, new URL("./loadgen.ts", import.meta.url).pathname, "idle", JSON.stringify({ port: server.port, count })],
    { stdout: "pipe", stdin: "pipe", stderr: "inherit" });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  for (const expected of [count / 2, count]) {
    let text = "";
    while (!text.includes(`"ready":${expected}`)) text += new TextDecoder().decode((await reader.read()).value);
    readings.push(await idleRss(server));
    proc.stdin!.write("next\n");
    proc.stdin!.flush();
  }
  await proc.exited;
  await server.stop();
  // Average over all 10,000, and the marginal cost of the second 5,000 (which leaves out
  // the one-off growth of the first connections: JIT, heap and allocator warm-up). The
  // reading right after the GC is kept too, so the report shows what waiting changed.
  const rss = readings.map((reading) => reading.idle);
  const atOnce = readings.map((reading) => reading.atOnce);
  return { rssKb: rss, averageKb: (rss[2]! - rss[0]!) / count, marginalKb: (rss[2]! - rss[1]!) / (count / 2),
    atOnceKb: atOnce, atOnceAverageKb: (atOnce[2]! - atOnce[0]!) / count };
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
  const atOnce = (run: typeof scx) => `${run.atOnceAverageKb.toFixed(2)} KB read right after the GC`;
  rows.push({ scenario: `idle memory, 10,000 subscribed (median of ${rounds})`, target: "Bun.serve topics (ceiling)",
    figure: `${ceiling.averageKb.toFixed(2)} KB/connection average, ${ceiling.marginalKb.toFixed(2)} KB marginal`, note: `RSS ${mb(ceiling)} MB; all: ${all("ceiling")}; ${atOnce(ceiling)}` });
  rows.push({ scenario: `idle memory, 10,000 subscribed (median of ${rounds})`, target: "scx, in-process worker",
    figure: `${scx.averageKb.toFixed(2)} KB/connection average, ${scx.marginalKb.toFixed(2)} KB marginal`,
    note: `${ratio.toFixed(2)}× ceiling (target ≤ 4 KB and ≤ 1.3×); RSS ${mb(scx)} MB; all: ${all("scx")}; ${atOnce(scx)} ` +
      `(${(scx.atOnceAverageKb / ceiling.atOnceAverageKb).toFixed(2)}× the ceiling's)` });
  results.memory_ceilingServer = ceiling;
  results.memory_scxServer = { ...scx, ratio };
}
