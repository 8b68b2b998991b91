/**
 * Start a real scx server in this process on a free port (port 0, read back), with
 * test-friendly defaults; `stop()` closes it. Pass `port` to restart on the same one.
 */
import { createServer, type ConfigInput } from "../../src/index.ts";
import type { ScxServer } from "../../src/server/ScxServer.ts";
import type { AuthEngine } from "../../src/auth/AuthEngine.ts";

export interface StartedScx { port: number; server: ScxServer; url: string; stop(): Promise<void> }

export async function startScx(config: ConfigInput = {}, options: { auth?: AuthEngine | null } = {}): Promise<StartedScx> {
  const server = createServer({ host: "127.0.0.1", port: 0, workers: 0, logLevel: "error", ...config }, options);
  await server.start();
  return {
    port: server.port,
    server,
    url: `ws://127.0.0.1:${server.port}${server.config.path}`,
    stop: () => server.stop(),
  };
}
