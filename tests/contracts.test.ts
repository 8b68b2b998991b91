/**
 * Contracts (`contracts:` in the config): invalid publish, invoke and transmit payloads are
 * refused at the edge with ValidationError and zod's issue paths; valid ones pass (as zod
 * parsed them); a subscriber never receives an invalid publication; server-side publishes
 * and (with checkOutputs) procedure outputs are checked; canSubscribe/canPublish decide by
 * the auth token. In-process and with 2 worker threads.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { create } from "../src/client/index.ts";
import type { ClientSocket } from "../src/client/ClientSocket.ts";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { Contracts } from "../src/worker/contracts.ts";
import { z } from "zod";

const dir = new URL("./fixtures/contracts/", import.meta.url).pathname;
const config = { contracts: { file: `${dir}contracts.ts`, checkOutputs: true }, worker: `${dir}worker.ts`, auth: { key: "contracts-test-secret-0123456789" } };

for (const [target, extra] of [["in-process", {}], ["2 worker threads", { workers: 2 }]] as const) {
  describe(`contracts, ${target}`, () => {
    let scx: StartedScx;
    const open: ClientSocket[] = [];
    const connect = async () => {
      const socket = create({ hostname: "127.0.0.1", port: scx.port, autoReconnect: false, ackTimeout: 5000 });
      open.push(socket);
      await socket.listener("connect").once();
      return socket;
    };
    beforeAll(async () => {
      scx = await startScx({ ...config, ...extra });
    });
    afterAll(async () => {
      for (const socket of open) socket.disconnect();
      await scx.stop();
    });

    test("an invalid publish is refused with ValidationError and issue paths; the subscriber gets only the valid one", async () => {
      const publisher = await connect();
      const subscriber = await connect();
      const channel = subscriber.subscribe("chat/1");
      await channel.listener("subscribe").once();
      const received: unknown[] = [];
      channel.watch((data) => received.push(data));
      const error = await publisher.invokePublish("chat/1", { text: 42 }).catch((e) => e);
      expect(error.name).toBe("ValidationError");
      expect(error.issues).toEqual([{ path: ["text"], message: expect.any(String) }]);
      const tooLong = await publisher.invokePublish("chat/1", { text: "x".repeat(501) }).catch((e) => e);
      expect(tooLong.issues[0].path).toEqual(["text"]);
      publisher.transmitPublish("chat/1", { text: null }); // no cid: dropped, no reply
      await publisher.invokePublish("chat/1", { text: "hi", extra: "stripped" });
      await publisher.invokePublish("chat/1", { text: "last" });
      await new Promise<void>((resolve) => { const check = () => received.length >= 2 ? resolve() : setTimeout(check, 10); check(); });
      expect(received).toEqual([{ text: "hi" }, { text: "last" }]);
    });

    test("a channel no pattern names is free", async () => {
      const client = await connect();
      await expect(client.invokePublish("free/1", 12345)).resolves.toBeUndefined();
    });

    test("an invalid invoke is refused with ValidationError before the handler runs; a valid one reaches it parsed", async () => {
      const client = await connect();
      const error = await client.invoke("login", { name: "" }).catch((e) => e);
      expect(error.name).toBe("ValidationError");
      expect(error.issues[0].path).toEqual(["name"]);
      const missing = await client.invoke("login", "not an object").catch((e) => e);
      expect(missing.issues[0].path).toEqual([]);
      expect(await client.invoke("login", { name: "ada", junk: 1 })).toEqual({ ok: true, name: "ada" });
      const seen = await client.invoke("seen");
      expect(seen.logins).toContainEqual({ name: "ada" });
      expect(seen.logins).not.toContainEqual({ name: "" });
    });

    test("with checkOutputs a procedure output that fails its schema answers ValidationError", async () => {
      const client = await connect();
      const error = await client.invoke("broken", {}).catch((e) => e);
      expect(error.name).toBe("ValidationError");
      expect(error.issues[0].path).toEqual(["ok"]);
    });

    test("an invalid transmit never reaches its receiver; a valid one does", async () => {
      const client = await connect();
      client.transmit("note", { n: "one" });
      client.transmit("note", { n: 1.5 });
      client.transmit("note", { n: 7 });
      const seen = await client.invoke("seen");
      // The worker that answers "seen" is this socket's, which got all three transmits first.
      expect(seen.notes).toEqual([{ n: 7 }]);
    });

    test("a server-side publish that fails its schema rejects with ValidationError; subscribers see nothing", async () => {
      const client = await connect();
      const channel = client.subscribe("chat/server");
      await channel.listener("subscribe").once();
      const received: unknown[] = [];
      channel.watch((data) => received.push(data));
      expect(await client.invoke("serverPublish", { text: ["no"] })).toEqual({ name: "ValidationError", issues: [{ path: ["text"], message: expect.any(String) }] });
      expect(await client.invoke("serverPublish", { text: "yes" })).toBe("published");
      await new Promise<void>((resolve) => { const check = () => received.length >= 1 ? resolve() : setTimeout(check, 10); check(); });
      expect(received).toEqual([{ text: "yes" }]);
    });

    test("server.exchange.publish from the library meets the contract too", async () => {
      const error = await scx.server.exchange.publish("chat/lib", { text: 1 }).catch((e) => e);
      expect(error.name).toBe("ValidationError");
      await expect(scx.server.exchange.publish("chat/lib", { text: "ok" })).resolves.toEqual({});
    });

    test("canSubscribe and canPublish decide by the auth token: ForbiddenError without the role", async () => {
      const client = await connect();
      const denied = client.subscribe("secret/1");
      const failed: any = await denied.listener("subscribeFail").once();
      expect(failed.error.name).toBe("ForbiddenError");
      expect((await client.invokePublish("secret/1", { text: "x" }).catch((e) => e)).name).toBe("ForbiddenError");
      const authenticated = client.listener("authenticate").once();
      await client.invoke("becomeAdmin");
      await authenticated;
      expect(client.authState).toBe("authenticated");
      const allowed = client.subscribe("secret/2");
      await allowed.listener("subscribe").once();
      await expect(client.invokePublish("secret/2", { text: "x" })).resolves.toBeUndefined();
    });
  });
}

describe("Contracts", () => {
  test("Contracts.channelSchema uses the channels' pattern syntax, first match wins", () => {
    const contracts = new Contracts({ channels: { "a/*": z.string(), "a/**": z.number(), "b": z.boolean() } });
    expect(contracts.checkPublish("a/1", "s").ok).toBe(true);
    expect(contracts.checkPublish("a/1/2", 3).ok).toBe(true);
    expect(contracts.checkPublish("a/1/2", "s").ok).toBe(false);
    expect(contracts.checkPublish("b/1", "anything").ok).toBe(true);
  });

  test("Contracts.checkOutput checks nothing unless checkOutputs is set", () => {
    const spec = { procedures: { p: { output: z.number() } } };
    expect(new Contracts(spec).checkOutput("p", "x").ok).toBe(true);
    expect(new Contracts(spec, { checkOutputs: true }).checkOutput("p", "x").ok).toBe(false);
  });
});
