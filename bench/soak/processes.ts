/**
 * The soak's processes: the soak server (soakServer.ts) with its port, thread-death count
 * and stdin commands, and what /proc says of a process (resident memory, open descriptors).
 */
import { readdirSync, readFileSync } from "node:fs";

export interface SoakServer {
  port: number;
  url: string;
  pid: number;
  /** Thread deaths the server logged ("worker 1 died: ..."). */
  deaths(): number;
  /** Resident memory in MB after a forced collection on the main thread (threads collect on their own). */
  rss(): Promise<number>;
  /** Kill a thread as a crash would; resolves once its successor runs. */
  kill(role: "worker" | "broker", id: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSoakServer(config: Record<string, unknown> = {}): Promise<SoakServer> {
  const proc = Bun.spawn([process.execPath, new URL("./soakServer.ts", import.meta.url).pathname, JSON.stringify(config)],
    { stdout: "pipe", stderr: "pipe", stdin: "pipe" });
  let out = "";
  let err = "";
  const waiters = new Set<() => void>();
  void (async () => { for await (const chunk of proc.stdout) { out += new TextDecoder().decode(chunk); for (const w of [...waiters]) w(); } })();
  void (async () => { for await (const chunk of proc.stderr) err += new TextDecoder().decode(chunk); })();
  const until = (test: () => boolean, what: string, ms = 30_000) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`soak server: timed out waiting for ${what}\n${err}`)); }, ms);
    const check = () => { if (test()) { clearTimeout(timer); waiters.delete(check); resolve(); } };
    waiters.add(check);
    check();
  });
  await until(() => /^PORT \d+/m.test(out), "its port");
  const port = Number(out.match(/^PORT (\d+)/m)![1]);
  let restarts = 0;
  let collections = 0;
  return {
    port, url: `ws://127.0.0.1:${port}/socketcluster/`, pid: proc.pid,
    deaths: () => (err.match(/(worker|broker) \d+ died/g) ?? []).length,
    async rss() {
      const want = ++collections;
      proc.stdin.write("gc\n");
      proc.stdin.flush();
      await until(() => (out.match(/^GC$/gm) ?? []).length >= want, "a collection");
      return rssMb(proc.pid);
    },
    async kill(role, id) {
      const want = ++restarts;
      proc.stdin.write(`kill ${role} ${id}\n`);
      proc.stdin.flush();
      await until(() => (out.match(/^RESTARTED /gm) ?? []).length >= want, `${role} ${id} to restart`);
    },
    async stop() {
      proc.kill();
      await proc.exited;
    },
  };
}

/** Resident memory of a process in MB (every thread). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

/** Open file descriptors of a process. */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Lost, duplicated and reordered items of one receiver, given how many of each sequence were sent (0..sent-1). */
export function sequenceFaults(received: Array<{ from: number; seq: number }>, sent: number[]): { lost: number; duplicated: number; reordered: number } {
  let lost = 0;
  let duplicated = 0;
  let reordered = 0;
  sent.forEach((count, from) => {
    const seqs = received.filter((item) => item.from === from).map((item) => item.seq);
    const seen = new Set<number>();
    let last = -1;
    for (const seq of seqs) {
      if (seen.has(seq)) duplicated++;
      else if (seq < last) reordered++;
      seen.add(seq);
      last = Math.max(last, seq);
    }
    for (let seq = 0; seq < count; seq++) if (!seen.has(seq)) lost++;
  });
  return { lost, duplicated, reordered };
}
