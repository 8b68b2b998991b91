/**
 * TLS: HTTPS and WSS on the same port, with a self-signed certificate made here by openssl.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import sc from "socketcluster-client";
import { startScx, type StartedScx } from "./helpers/startScx.ts";

let scx: StartedScx;
const dir = mkdtempSync(`${tmpdir()}/scx-tls-`);

beforeAll(async () => {
  const made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`]);
  if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  scx = await startScx({ tls: { certFile: `${dir}/cert.pem`, keyFile: `${dir}/key.pem` } });
  scx.server.procedure("secure", (_data, socket) => socket.request.url.startsWith("https:"));
});
afterAll(() => scx.stop());

test("HTTPS serves the health check with the configured certificate", async () => {
  const response = await fetch(`https://127.0.0.1:${scx.port}/health-check`, { tls: { rejectUnauthorized: false } } as RequestInit);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe("OK");
  const refused = await fetch(`https://127.0.0.1:${scx.port}/health-check`).then(() => "accepted", () => "refused");
  expect(refused).toBe("refused");
});

test("socketcluster-client connects over WSS and invokes", async () => {
  const client = sc.create({
    hostname: "127.0.0.1", port: scx.port, secure: true, autoReconnect: false,
    wsOptions: { rejectUnauthorized: false },
  });
  await client.listener("connect").once();
  expect(await client.invoke("secure")).toBe(true);
  client.disconnect();
});
