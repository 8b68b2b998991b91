/**
 * Refuse a port another process already listens on. scx's worker threads all bind the
 * port with reusePort, which would let them share it with another scx (splitting the
 * clients between the two); so before they start, the supervisor's side binds it once
 * exclusively (no reusePort) and lets it go. The check and the workers' bind are a few
 * milliseconds apart; port 0 (a fresh port) needs no check.
 *
 * @example
 * await assertPortFree(runtime, "0.0.0.0", 8000); // throws PortInUseError when taken
 */
import type { Runtime } from "./runtime.ts";
import { listenError } from "./PortInUseError.ts";

export async function assertPortFree(runtime: Runtime, host: string, port: number): Promise<void> {
  if (port === 0) return;
  let handle;
  try {
    handle = await runtime.serve({
      hostname: host, port, reusePort: false, maxPayload: 1024,
      fetch: () => new Response(null, { status: 503 }),
      websocket: { open() {}, message() {}, close() {} },
    });
  } catch (error) {
    throw listenError(error, host, port);
  }
  await handle.stop(true);
}
