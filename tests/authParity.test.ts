/**
 * Auth parity with socketcluster-server (issue 10, item 7): a token that is not a string
 * gets AuthTokenError ("Invalid token format - Token must be a string", as ag-auth
 * says) and then #removeAuthToken, on #handshake and on #authenticate; token payloads
 * are UTF-8 on the server and on the client (one decoder); a crashed thread's log line
 * carries the error's own message and its stack, not the runtime's source excerpt.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { rawSocket, type RawSocket } from "./helpers/rawSocket.ts";
import { connected, tokenStore } from "./helpers/scClient.ts";
import { startCli } from "./helpers/startCli.ts";
import { decodeTokenPayload } from "../src/client/decodeTokenPayload.ts";
import { decodeTokenPayload as serverDecoder } from "../src/protocol/decodeTokenPayload.ts";

const key = "parity-secret-key-0123456789abcdef";
let scx: StartedScx;
beforeAll(async () => {
  scx = await startScx({ auth: { key }, worker: new URL("./fixtures/worker.ts", import.meta.url).pathname });
  scx.server.procedure("mySub", (_data, socket) => socket.authToken?.sub ?? null);
});
afterAll(() => scx.stop());

async function packet(socket: RawSocket, match: (p: any) => boolean): Promise<any> {
  for (;;) {
    const p = await socket.nextPacket(5000);
    if (match(p)) return p;
  }
}

const nonStrings: unknown[] = [123, {}, [], true];

describe("non-string auth tokens", () => {
  for (const token of nonStrings) {
    test(`#handshake with authToken ${JSON.stringify(token)} answers AuthTokenError, then #removeAuthToken`, async () => {
      const socket = rawSocket(scx.url);
      await socket.opened;
      socket.send({ event: "#handshake", data: { authToken: token }, cid: 1 });
      const answer = await packet(socket, (p) => p.rid === 1);
      expect(answer.data.isAuthenticated).toBe(false);
      expect(answer.data.authError).toMatchObject({ name: "AuthTokenError", message: "Invalid token format - Token must be a string" });
      expect(await packet(socket, (p) => p.event === "#removeAuthToken")).toEqual({ event: "#removeAuthToken" });
      socket.ws.close();
    });

    test(`#authenticate with ${JSON.stringify(token)} answers AuthTokenError, then #removeAuthToken`, async () => {
      const socket = rawSocket(scx.url);
      await socket.opened;
      socket.send({ event: "#handshake", data: {}, cid: 1 });
      await packet(socket, (p) => p.rid === 1);
      socket.send({ event: "#authenticate", data: token, cid: 2 });
      const answer = await packet(socket, (p) => p.rid === 2);
      expect(answer.error).toMatchObject({ name: "AuthTokenError", message: "Invalid token format - Token must be a string" });
      expect(await packet(socket, (p) => p.event === "#removeAuthToken")).toEqual({ event: "#removeAuthToken" });
      socket.ws.close();
    });
  }

  test("#handshake without an authToken (null or absent) is no error at all", async () => {
    for (const data of [{}, { authToken: null }]) {
      const socket = rawSocket(scx.url);
      await socket.opened;
      socket.send({ event: "#handshake", data, cid: 1 });
      const answer = await packet(socket, (p) => p.rid === 1);
      expect(answer.data.isAuthenticated).toBe(false);
      expect(answer.data.authError).toBeUndefined();
      socket.ws.close();
    }
  });
});

describe("UTF-8 token payloads", () => {
  test("ServerSocket.setAuthToken({ sub: \"Zoë\" }) reads back as Zoë on the server and in socketcluster-client", async () => {
    const store = tokenStore();
    const { client } = await connected(scx.port, { authEngine: store });
    const authenticated = client.listener("authenticate").once();
    await client.invoke("login", { username: "Zoë 🚀" });
    await authenticated;
    expect(await client.invoke("mySub", null)).toBe("Zoë 🚀");
    expect(client.authToken.sub).toBe("Zoë 🚀");
    // The scx client and the server read it with one decoder.
    expect(decodeTokenPayload).toBe(serverDecoder);
    expect(decodeTokenPayload(store.token!)!.sub).toBe("Zoë 🚀");
    client.disconnect();
  });
});

describe("crash log lines", () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-crash-`);
  cpSync(new URL("./fixtures/worker.ts", import.meta.url).pathname, `${dir}/worker.ts`);
  writeFileSync(`${dir}/scx.yaml`, "host: 127.0.0.1\nport: 0\nworkers: 1\nworker: worker.ts\nlogFormat: json\n");
  const cli = new URL("../cli.ts", import.meta.url).pathname;
  const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
  const runtimes: Array<[string, string[]]> = [
    ["Bun", [process.execPath, cli, "serve", `${dir}/scx.yaml`]],
    ["Deno", [deno, "run", "-A", cli, "serve", `${dir}/scx.yaml`]],
  ];
  for (const [name, command] of runtimes) {
    test(`Supervisor logs a crashed worker with the error's own message and stack, no source excerpt (${name})`, async () => {
      const proc = await startCli(command);
      try {
        const { client } = await connected(proc.port);
        expect(await client.invoke("crash", null)).toBe("crashing");
        client.disconnect();
        let line: Record<string, any> | undefined;
        const deadline = Date.now() + 20_000;
        while (!line && Date.now() < deadline) {
          line = proc.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)).find((r) => /died/.test(r.msg));
          await Bun.sleep(50);
        }
        expect(line!.msg).toBe("worker 0 died: uncaught error: Crash requested by a test");
        expect(line!.cause).toBe("uncaught error: Crash requested by a test");
        expect(line!.stack).toStartWith("Error: Crash requested by a test\n");
        expect(line!.stack).toContain("worker.ts:");
      } finally {
        proc.kill();
      }
    }, 60_000);
  }
});
