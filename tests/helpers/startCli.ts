/**
 * Run the scx CLI (or the binary, or Deno) as a real process and read the port it
 * bound from its JSON log line "scx listening on http://host:port/path".
 */
const cli = new URL("../../cli.ts", import.meta.url).pathname;
const deno = new URL("../../node_modules/.bin/deno", import.meta.url).pathname;

/** `scx serve <config>` from the sources, on Bun or on Deno. */
export function serveCommand(runtime: "bun" | "deno", config: string): string[] {
  return runtime === "bun" ? [process.execPath, cli, "serve", config] : [deno, "run", "-A", cli, "serve", config];
}

export interface CliProcess { port: number; proc: ReturnType<typeof Bun.spawn>; output: () => string; kill(signal?: NodeJS.Signals): void }

export async function startCli(command: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliProcess> {
  const proc = Bun.spawn(command, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdout: "pipe", stderr: "pipe" });
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += new TextDecoder().decode(chunk);
  };
  void pump(proc.stdout as ReadableStream<Uint8Array>);
  void pump(proc.stderr as ReadableStream<Uint8Array>);
  const until = Date.now() + 30_000;
  for (;;) {
    const match = text.match(/scx listening on https?:\/\/[^:]+:(\d+)/);
    if (match) return { port: Number(match[1]), proc, output: () => text, kill: (signal = "SIGKILL") => proc.kill(signal) };
    if (proc.exitCode !== null || Date.now() > until) {
      proc.kill();
      throw new Error(`scx did not start (${command.join(" ")}):\n${text}`);
    }
    await Bun.sleep(20);
  }
}
