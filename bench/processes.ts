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

export async function startServer(script: string, args: string[] = []): Promise<Server> {
  const proc = Bun.spawn([bun, `${here}${script}`, ...args], { stdout: "pipe", stdin: "pipe", stderr: "inherit" });
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

/** User + system CPU seconds of a process so far (every thread). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = require("node:fs").readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export function rssKb(pid: number): number {
  const status = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]);
}
