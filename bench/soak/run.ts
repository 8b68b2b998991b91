/**
 * `npm run soak`: the reliability kit. Long runs of the fuzz, churn, crash-under-load and
 * Redis-fault scenarios (minutes; not in CI), each against its own scx process, printing
 * what each counted: frames, crashes, lost, duplicated, reordered, RSS before and after.
 *
 *   npm run soak                               # every scenario, 60 s each
 *   npm run soak -- --duration 300             # 5 minutes each
 *   npm run soak -- --only crash,redis-fault --duration 120
 *   npm run soak -- --json                     # one JSON line per scenario as well
 *
 * A count is a count, not a verdict: read them against the README (Reliability kit).
 */
import { fuzzSoak } from "./fuzz.ts";
import { churnSoak } from "./churn.ts";
import { crashSoak } from "./crash.ts";
import { redisFaultSoak } from "./redisFault.ts";
import { formatCounts, type SoakCounts } from "./counts.ts";

const scenarios: Record<string, (seconds: number) => Promise<SoakCounts>> = {
  fuzz: fuzzSoak,
  churn: churnSoak,
  crash: crashSoak,
  "redis-fault": redisFaultSoak,
};

const args = process.argv.slice(2);
const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const seconds = Number(value("--duration") ?? 60);
const only = value("--only")?.split(",") ?? Object.keys(scenarios);
const unknown = only.filter((name) => !(name in scenarios));
if (!(seconds > 0) || unknown.length) {
  console.error(`usage: bun bench/soak/run.ts [--duration <seconds per scenario>] [--only ${Object.keys(scenarios).join(",")}] [--json]` +
    (unknown.length ? `\nunknown scenario: ${unknown.join(", ")}` : ""));
  process.exit(2);
}
if (only.includes("redis-fault") && Bun.spawnSync(["which", "redis-server"]).exitCode !== 0) {
  console.error("redis-fault needs redis-server on the PATH");
  process.exit(2);
}

console.log(`soak: ${only.join(", ")}, ${seconds} s each; bun ${Bun.version}, ${navigator.hardwareConcurrency} cores`);
let failed = false;
for (const name of only) {
  try {
    const counts = await scenarios[name]!(seconds);
    console.log(formatCounts(counts));
    if (args.includes("--json")) console.log(JSON.stringify(counts));
  } catch (error) {
    failed = true;
    console.log(`${name.padEnd(12)} did not finish: ${(error as Error).message}`);
  }
}
process.exit(failed ? 1 : 0);
