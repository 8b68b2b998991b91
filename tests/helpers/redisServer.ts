/**
 * A real redis-server on a free port below 32768, started and stopped by the test;
 * `pause` stops the process (SIGSTOP: its sockets stay open, nothing answers) until
 * `resume` (SIGCONT), to stand for a hung Redis.
 */
import { createConnection } from "node:net";

export interface RedisProcess {
  port: number;
  url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, "127.0.0.1");
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

export async function startRedis(): Promise<RedisProcess> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await portAnswers(port)) continue;
    let proc = spawn(port);
    try {
      await waitFor(() => portAnswers(port), `redis-server on ${port}`, 3000);
    } catch {
      proc.kill();
      continue;
    }
    return {
      port,
      url: `redis://127.0.0.1:${port}`,
      async stop() {
        proc.kill();
        proc.kill("SIGCONT"); // a paused process handles the SIGTERM only once continued
        await proc.exited;
        await waitFor(async () => !(await portAnswers(port)), `redis-server on ${port} to stop`);
      },
      async restart() {
        proc = spawn(port);
        await waitFor(() => portAnswers(port), `redis-server on ${port} to restart`);
      },
      pause() {
        proc.kill("SIGSTOP");
      },
      resume() {
        proc.kill("SIGCONT");
      },
    };
  }
  throw new Error("No free port for redis-server");
}

function spawn(port: number) {
  return Bun.spawn(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdout: "ignore", stderr: "ignore",
  });
}
