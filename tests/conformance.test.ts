/**
 * Conformance against scx in-process, with worker threads, and on Deno (`deno run -A cli.ts
 * serve`); tests/binary.test.ts runs the same suite against the compiled binary. Also
 * protocol v1 mode.
 */
import { describe, expect, test } from "bun:test";
import scV20 from "socketcluster-client";
import { startScx } from "./helpers/startScx.ts";
import { conformanceChannels, conformanceChannelsYaml, conformanceScript, conformanceSuite } from "./conformance.suite.ts";
import { startCli } from "./helpers/startCli.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;

conformanceSuite("in-process", () => startScx({ worker: conformanceScript, channels: conformanceChannels }));
conformanceSuite("2 worker threads", () => startScx({ worker: conformanceScript, workers: 2, brokers: 2, channels: conformanceChannels }));
// scx on Deno, as `deno run -A cli.ts serve <config>` runs it, with 2 worker threads.
conformanceSuite("Deno, 2 worker threads", async () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-deno-conformance-`);
  writeFileSync(`${dir}/scx.yaml`, `host: 127.0.0.1\nport: 0\nworkers: 2\nbrokers: 2\nworker: ${conformanceScript}\nlogFormat: json\n${conformanceChannelsYaml}`);
  const proc = await startCli([deno, "run", "-A", cli, "serve", `${dir}/scx.yaml`]);
  return { port: proc.port, stop: async () => { proc.kill("SIGTERM"); await proc.proc.exited; } };
});

describe("protocol v1 (third-party SDK mode)", () => {
  test("socketcluster-client with protocolVersion 1 stays connected through #1/#2 pings", async () => {
    const scx = await startScx({ protocolVersion: 1, pingInterval: 50, pingTimeout: 300 });
    const client = scV20.create({ hostname: "127.0.0.1", port: scx.port, protocolVersion: 1, autoReconnect: false });
    await client.listener("connect").once();
    let pings = 0;
    const fivePings = new Promise<void>((resolve) => {
      client.transport.socket.addEventListener("message", (event: any) => {
        if (event.data === "#1" && ++pings === 5) resolve();
      });
    });
    await fivePings;
    expect(client.state).toBe("open");
    client.disconnect();
    await scx.stop();
  });
});
