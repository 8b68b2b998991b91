/**
 * The reliability kit (`npm run soak`, bench/soak/) stays runnable: a few seconds of every
 * scenario prints every count. The counts themselves are for a person to read after a
 * long run (README, Reliability kit); this only checks they are there and sane.
 */
import { describe, expect, test } from "bun:test";

const run = new URL("../bench/soak/run.ts", import.meta.url).pathname;

describe("npm run soak", () => {
  test("bench/soak/run.ts --duration 2 runs fuzz, churn, crash and redis-fault and prints every count for each", async () => {
    const proc = Bun.spawn([process.execPath, run, "--duration", "2", "--json"], { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    expect(await proc.exited, `${out}\n${err}`).toBe(0);
    const counts = out.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
    expect(counts.map((c) => c.scenario)).toEqual(["fuzz", "churn", "crash", "redis-fault"]);
    for (const c of counts) {
      for (const key of ["frames", "crashes", "lost", "duplicated", "reordered", "rssBeforeMb", "rssAfterMb"]) expect(typeof c[key], `${c.scenario}.${key}`).toBe("number");
      expect(c.frames, c.scenario).toBeGreaterThan(0);
      expect(out).toMatch(new RegExp(`^${c.scenario} .*frames [\\d,]+  crashes \\d+  lost [\\d,]+  duplicated [\\d,]+  reordered [\\d,]+  RSS \\d+ → \\d+ MB`, "m"));
    }
    // The crash scenario kills threads; the kit must have seen those deaths.
    expect(counts[2].crashes).toBeGreaterThan(0);
  }, 240_000);

  test("bench/soak/run.ts refuses an unknown scenario with its usage and exit code 2", async () => {
    const proc = Bun.spawn([process.execPath, run, "--only", "nope"], { stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain("unknown scenario: nope");
  });
});
