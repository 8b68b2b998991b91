/**
 * For memory figures: a benchmark server collects garbage when "gc" arrives on stdin
 * (twice, with a pause, so the reading is not caught mid-sweep) and answers "GC".
 */
export function gcOnStdin(): void {
  process.stdin.on("data", async (chunk) => {
    if (!String(chunk).includes("gc")) return;
    Bun.gc(true);
    await Bun.sleep(300);
    Bun.gc(true);
    console.log("GC");
  });
}
