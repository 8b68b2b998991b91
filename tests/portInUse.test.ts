/**
 * One server per port: a second scx (threaded or in-process, on Bun or Deno) on a port
 * another scx or any other program listens on exits with code 2 and one clear line,
 * and the first keeps serving. Only scx's own worker threads share a port.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer as netServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { type CliProcess, startCli } from "./helpers/startCli.ts";
import { assertPortFree } from "../src/runtime/assertPortFree.ts";
import { bunRuntime } from "../src/runtime/bun.ts";
import { listenError } from "../src/runtime/PortInUseError.ts";

const cli = new URL("../cli.ts", import.meta.url).pathname;
const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const running: CliProcess[] = [];
afterAll(() => { for (const proc of running) proc.kill(); });

const runtimes = { bun: [process.execPath, cli], deno: [deno, "run", "-A", cli] } as const;

function config(): string {
  const dir = mkdtempSync(`${tmpdir()}/scx-port-`);
  writeFileSync(`${dir}/scx.yaml`, "host: 127.0.0.1\nport: 0\nlogFormat: json\n");
  return `${dir}/scx.yaml`;
}

async function second(command: readonly string[], port: number, workers: number) {
  const proc = Bun.spawn([...command, "serve", config(), "--port", String(port), "--workers", String(workers)], { stdout: "pipe", stderr: "pipe" });
  const code = await proc.exited;
  return { code, stderr: await new Response(proc.stderr).text(), stdout: await new Response(proc.stdout).text() };
}

const refusal = (port: number) =>
  `port ${port} is already in use on 127.0.0.1 (another scx or another program listens there): stop it or pick another port (--port, SCX_PORT or port: in the config)\n`;

describe("one server per port", () => {
  for (const [name, command] of Object.entries(runtimes)) {
    test(`${name}: a second scx on the port of a running one exits 2 with one line; the first still serves`, async () => {
      const first = await startCli([...command, "serve", config(), "--workers", "2"]);
      running.push(first);
      for (const workers of [2, 0]) {
        const result = await second(command, first.port, workers);
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(refusal(first.port));
        expect(result.stdout).not.toContain("scx listening");
      }
      expect(await (await fetch(`http://127.0.0.1:${first.port}/health-check`)).text()).toBe("OK");
      first.kill("SIGTERM");
      expect(await first.proc.exited).toBe(0);
    }, 60_000);

    test(`${name}: a port held by another program (a node:net server) is refused with exit 2`, async () => {
      const other: Server = netServer(() => {});
      await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
      const port = (other.address() as { port: number }).port;
      try {
        const result = await second(command, port, 2);
        expect([result.code, result.stderr]).toEqual([2, refusal(port)]);
      } finally {
        other.close();
      }
    }, 60_000);
  }

  test("listenError() names a taken port, a refused one and a foreign address; other errors pass unchanged", () => {
    expect((listenError({ code: "EADDRINUSE" }, "0.0.0.0", 8000) as Error).name).toBe("PortInUseError");
    expect((listenError({ name: "AddrInUse" }, "0.0.0.0", 8000) as Error).name).toBe("PortInUseError");
    expect((listenError({ code: "EACCES" }, "0.0.0.0", 80) as Error).message).toBe(
      "cannot listen on 0.0.0.0:80: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)");
    const other = new Error("boom");
    expect(listenError(other, "0.0.0.0", 8000)).toBe(other);
  });

  for (const [name, command] of Object.entries(runtimes)) {
    test(`${name}: a host this machine does not have is one line and exit 2`, async () => {
      const proc = Bun.spawn([...command, "serve", config(), "--host", "10.9.8.7", "--port", "23999", "--workers", "0"], { stdout: "pipe", stderr: "pipe" });
      expect(await proc.exited).toBe(2);
      expect(await new Response(proc.stderr).text()).toBe("cannot listen on 10.9.8.7:23999: this host has no such address (check host:)\n");
    }, 30_000);
  }

  test("assertPortFree() passes a free port (which stays bindable with reusePort) and port 0", async () => {
    const other: Server = netServer(() => {});
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const port = (other.address() as { port: number }).port;
    await new Promise<void>((resolve) => other.close(() => resolve()));
    await assertPortFree(bunRuntime, "127.0.0.1", port);
    await assertPortFree(bunRuntime, "127.0.0.1", 0);
    const handle = await bunRuntime.serve({
      hostname: "127.0.0.1", port, reusePort: true, maxPayload: 1024,
      fetch: () => new Response("ok"), websocket: { open() {}, message() {}, close() {} },
    });
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("ok");
    await expect(assertPortFree(bunRuntime, "127.0.0.1", port)).rejects.toThrow(`port ${port} is already in use`);
    await handle.stop(true);
  });
});
