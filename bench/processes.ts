/**
 * Processes for the benchmarks: servers that print "PORT <n>", the load generator, and
 * what /proc says about a process (CPU time, resident memory).
 */
export interface Server { port: number; pid: number; proc: ReturnType<typeof Bun.spawn>; command(text: string, reply: string): Promise<void>; stop(): Promise<void> }

const bun = process.execPath;
const here = new URL(".", import.meta.url).pathname;

async function* lines(stream: ReadableStream<Uint8Array>) {
  let buffer = "";
  for await (const chunk of stream) {
    buffer += new TextDecoder().decode(chunk);
    let at: number;
    while ((at = buffer.indexOf("\n")) !== -1) {
      yield buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
    }
  }
}

/**
 * The command prefix that keeps a process on one core (`taskset -c <core>`), as the
 * per-core figures are defined: the server on core 0 with all its threads, the load
 * generator on core 1, so neither's scheduling shapes the other's batching. Empty where
 * taskset is missing or the machine has one core (the figures are then unpinned).
 */
export function pinnedTo(core: number): string[] {
  if (navigator.hardwareConcurrency < 2 || !Bun.which("taskset")) return [];
  return ["taskset", "-c", String(core)];
}

export async function startServer(script: string, args: string[] = [], options: { pin?: number } = {}): Promise<Server> {
  const pin = options.pin === undefined ? [] : pinnedTo(options.pin);
  const proc = Bun.spawn([...pin, bun, `${here}${script}`, ...args], { stdout: "pipe", stdin: "pipe", stderr: "inherit" });
  const reader = lines(proc.stdout as ReadableStream<Uint8Array>);
  let port = 0;
  for await (const line of reader) {
    const match = line.match(/^PORT (\d+)/);
    if (match) {
      port = Number(match[1]);
      break;
    }
  }
  if (!port) throw new Error(`${script} did not start`);
  return {
    port, pid: proc.pid, proc,
    async command(text, reply) {
      proc.stdin!.write(`${text}\n`);
      proc.stdin!.flush();
      for await (const line of reader) if (line.includes(reply)) return;
    },
    async stop() {
      proc.kill();
      await proc.exited;
    },
  };
}

/** Run the load generator to the end; returns its result and its own CPU seconds. */
export async function loadgen(scenario: string, args: Record<string, unknown>): Promise<{ result: any; cpu: number }> {
  const proc = Bun.spawn([bun, `${here}loadgen.ts`, scenario, JSON.stringify(args)], { stdout: "pipe", stderr: "inherit" });
  let last = "";
  let cpu = 0;
  const sampler = setInterval(() => { cpu = Math.max(cpu, cpuSeconds(proc.pid)); }, 100);
  for await (const line of lines(proc.stdout as ReadableStream<Uint8Array>)) last = line;
  clearInterval(sampler);
  await proc.exited;
  return { result: JSON.parse(last), cpu };
}

/**
 * CPU seconds a process has used so far, every thread: the sum of each thread's run time
 * in /proc/<pid>/task/<tid>/schedstat (nanoseconds), so the short phases of a scenario
 * (10,000 subscribes in ~0.1 s) are measured, not rounded to /proc/<pid>/stat's 10 ms ticks.
 * Falls back to those ticks where schedstat is missing.
 */
export function cpuSeconds(pid: number): number {
  const fs = require("node:fs");
  try {
    let ns = 0;
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      try { ns += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]); } catch { /* the thread ended */ }
    }
    if (ns > 0) return ns / 1e9;
  } catch { /* no task list: the ticks below */ }
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export function rssKb(pid: number): number {
  const status = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]);
}
