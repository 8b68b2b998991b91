/**
 * Start-up: exec → first handshake answered, for the binary (dist/scx, built fresh by
 * scripts/build.ts) against `bun build --compile` of the ceiling server, in the same run,
 * rounds interleaved so both see the same machine. A client polls the port as a
 * reconnecting client would (a WebSocket attempt, 1 ms apart) and sends #handshake; the
 * time runs from spawn to the handshake's answer. Also the CPU the process used by then
 * (every thread, /proc schedstat) and scx's own phases from its ready line.
 * `bun bench/startup.ts [rounds]` runs it alone.
 */
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }
interface Run { ms: number; cpuMs: number; phases: { config?: number; listening?: number } | null }

const root = new URL("..", import.meta.url).pathname;

/** CPU milliseconds a process has used so far, summed over its threads. */
function cpuMs(pid: number): number {
  let ns = 0;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try { ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]); } catch { /* thread ended */ }
    }
  } catch { /* process ended */ }
  return ns / 1e6;
}

function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}

/** One attempt: connect, send #handshake, true when its answer comes. */
function handshake(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socketcluster/`);
    ws.onopen = () => ws.send(JSON.stringify({ event: "#handshake", data: { authToken: null }, cid: 1 }));
    ws.onmessage = (event) => {
      if (!String(event.data).includes('"rid":1')) return;
      ws.close();
      resolve(true);
    };
    ws.onerror = () => resolve(false);
    ws.onclose = () => resolve(false);
  });
}

export async function startOnce(command: string[], env: Record<string, string>): Promise<Run> {
  const port = freePort();
  const started = performance.now();
  const proc = Bun.spawn(command, { env: { ...process.env, ...env, PORT: String(port), SCX_PORT: String(port) }, stdout: "pipe", stderr: "inherit" });
  let out = "";
  const reading = (async () => { for await (const chunk of proc.stdout) out += new TextDecoder().decode(chunk); })();
  while (!(await handshake(port))) {
    if (proc.exitCode !== null) throw new Error(`${command.join(" ")} exited with ${proc.exitCode}`);
    await Bun.sleep(1);
  }
  const ms = performance.now() - started;
  const cpu = cpuMs(proc.pid);
  proc.kill();
  await proc.exited;
  await reading;
  const phases = out.match(/"startup":(\{[^}]*\})/)?.[1];
  return { ms, cpuMs: cpu, phases: phases ? JSON.parse(phases) : null };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function startupScenario(rows: Row[], results: Record<string, unknown>, rounds = 9): Promise<void> {
  const build = Bun.spawnSync([process.execPath, `${root}scripts/build.ts`], { cwd: root, stdout: "ignore", stderr: "inherit" });
  if (build.exitCode !== 0) throw new Error("scripts/build.ts failed");
  const ceiling = `${tmpdir()}/scx-bench-ceiling`;
  const compiled = Bun.spawnSync([process.execPath, "build", "--compile", "--minify", "--bytecode", "--format=esm", `${root}bench/startupCeiling.ts`, "--outfile", ceiling],
    { cwd: root, stdout: "ignore", stderr: "inherit" });
  if (compiled.exitCode !== 0) throw new Error("compiling the ceiling server failed");
  const scxEnv = (workers: string) => ({ SCX_HOST: "127.0.0.1", SCX_LOG_LEVEL: "info", SCX_LOG_FORMAT: "json", SCX_AUTH__KEY: "startup-bench-key-0123456789", ...(workers ? { SCX_WORKERS: workers } : {}) });
  const targets = [
    { key: "ceiling", label: "bun build --compile of the ceiling server", command: [ceiling], env: {} },
    { key: "workers_0", label: "dist/scx, workers: 0", command: [`${root}dist/scx`, "serve"], env: scxEnv("0") },
    { key: "workers_default", label: `dist/scx, default workers (${navigator.hardwareConcurrency} threads)`, command: [`${root}dist/scx`, "serve"], env: scxEnv("") },
  ];
  const runs = new Map<string, Run[]>(targets.map((target) => [target.key, []]));
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) runs.get(target.key)!.push(await startOnce(target.command, target.env));
  }
  const ceilingMs = median(runs.get("ceiling")!.map((run) => run.ms));
  for (const target of targets) {
    const list = runs.get(target.key)!;
    const ms = list.map((run) => run.ms).sort((a, b) => a - b);
    const cpu = median(list.map((run) => run.cpuMs));
    const config = list.flatMap((run) => run.phases?.config ?? []);
    const listening = list.flatMap((run) => run.phases?.listening ?? []);
    const phases = config.length ? `; in-process median: config ${median(config).toFixed(0)} ms, listening ${median(listening).toFixed(0)} ms` : "";
    rows.push({
      scenario: `binary start → first handshake answered (median of ${rounds})`, target: target.label,
      figure: `${median(ms).toFixed(0)} ms (min ${ms[0]!.toFixed(0)}, max ${ms.at(-1)!.toFixed(0)}), ${cpu.toFixed(0)} ms CPU`,
      note: target.key === "ceiling" ? "the reference" : `${(median(ms) / ceilingMs).toFixed(2)}× ceiling (target ≤ 1.3)${phases}`,
    });
    results[`startup_${target.key}`] = { ms, medianMs: median(ms), cpuMs: cpu, ratio: median(ms) / ceilingMs, phases: list.map((run) => run.phases) };
  }
  rows.push({ scenario: "binary size", target: "dist/scx", figure: `${(Bun.file(`${root}dist/scx`).size / 1e6).toFixed(1)} MB` });
}

if (import.meta.main) {
  const rows: Row[] = [];
  await startupScenario(rows, {}, Number(process.argv[2] ?? 9));
  for (const row of rows) console.log([row.scenario, row.target, row.figure, row.note ?? ""].join("  |  "));
}
