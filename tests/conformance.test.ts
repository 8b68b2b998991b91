/**
 * Conformance against scx in-process and with worker threads; tests/binary.test.ts runs the
 * same suite against the compiled binary. Also protocol v1 mode.
 */
import { describe, expect, test } from "bun:test";
import scV20 from "socketcluster-client";
import { startScx } from "./helpers/startScx.ts";
import { conformanceChannels, conformanceScript, conformanceSuite } from "./conformance.suite.ts";

conformanceSuite("in-process", () => startScx({ worker: conformanceScript, channels: conformanceChannels }));
conformanceSuite("2 worker threads", () => startScx({ worker: conformanceScript, workers: 2, brokers: 2, channels: conformanceChannels }));

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
