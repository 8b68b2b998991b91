/**
 * Conformance: scx driven by the official socketcluster-client from npm (v20 and v17),
 * unchanged, over real sockets on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import scV20 from "socketcluster-client";
import scV17 from "socketcluster-client-v17";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { namedError } from "../src/index.ts";

const clients = [["v20", scV20], ["v17", scV17]] as const;

function once<T = any>(emitter: any, event: string): Promise<T> {
  return emitter.listener(event).once();
}

for (const [version, sc] of clients) {
  describe(`socketcluster-client ${version} against scx`, () => {
    let scx: StartedScx;
    const open: any[] = [];
    const connect = async (options: Record<string, unknown> = {}) => {
      const client = sc.create({ hostname: "127.0.0.1", port: scx.port, autoReconnect: false, ackTimeout: 2000, ...options });
      open.push(client);
      await once(client, "connect");
      return client;
    };

    beforeAll(async () => {
      scx = await startScx();
      scx.server.procedure("echo", (data) => data);
      scx.server.procedure("fail", () => {
        throw namedError("MyError", "It went wrong", { extra: 42 });
      });
      scx.server.receiver("note", (data, socket) => socket.transmit("noted", data));
      scx.server.procedure("kickMe", (channel, socket) => { socket.kickOut(channel, "bye"); });
      scx.server.procedure("askBack", async (data, socket) => socket.invoke("clientProc", data));
    });
    afterAll(async () => {
      for (const client of open) client.disconnect();
      await scx.stop();
    });

    test("handshake gives the socket id the server knows, unauthenticated", async () => {
      const seen = new Promise<any>((resolve) => scx.server.on("connection", resolve));
      const client = sc.create({ hostname: "127.0.0.1", port: scx.port, autoReconnect: false });
      open.push(client);
      const status = await once(client, "connect");
      const socket = await seen;
      expect(client.id).toBe(socket.id);
      expect(status.isAuthenticated).toBe(false);
      expect(status.pingTimeout).toBe(scx.server.config.pingTimeout);
      expect(client.state).toBe("open");
    });

    test("pub/sub delivers a publication to every subscriber, the publisher included", async () => {
      const a = await connect();
      const b = await connect();
      const channelA = a.subscribe("room");
      const channelB = b.subscribe("room");
      await Promise.all([once(channelA, "subscribe"), once(channelB, "subscribe")]);
      const gotA = channelA.once();
      const gotB = channelB.once();
      await b.invokePublish("room", { text: "hello" });
      expect(await gotA).toEqual({ text: "hello" });
      expect(await gotB).toEqual({ text: "hello" });
    });

    test("publications of one client arrive in publish order", async () => {
      const a = await connect();
      const channel = a.subscribe("ordered");
      await once(channel, "subscribe");
      const received: number[] = [];
      const done = (async () => {
        for await (const data of channel) {
          received.push(data);
          if (received.length === 200) break;
        }
      })();
      for (let i = 0; i < 200; i++) a.transmitPublish("ordered", i);
      await done;
      expect(received).toEqual([...Array(200).keys()]);
    });

    test("invoke gets the procedure's reply; transmit reaches the receiver", async () => {
      const client = await connect();
      expect(await client.invoke("echo", { n: 1 })).toEqual({ n: 1 });
      const noted = client.receiver("noted").once();
      client.transmit("note", "remember");
      expect(await noted).toBe("remember");
    });

    test("server invoke gets the client's reply", async () => {
      const client = await connect();
      (async () => {
        for await (const request of client.procedure("clientProc")) request.end({ doubled: request.data * 2 });
      })();
      expect(await client.invoke("askBack", 21)).toEqual({ doubled: 42 });
    });

    test("a thrown named error becomes the client's error, with its extra fields", async () => {
      const client = await connect();
      const error = await client.invoke("fail").catch((e: any) => e);
      expect(error.name).toBe("MyError");
      expect(error.message).toBe("It went wrong");
      expect(error.extra).toBe(42);
    });

    test("an invoke with no procedure gets NoProcedureError (SocketCluster stays silent)", async () => {
      const client = await connect();
      const error = await client.invoke("missing").catch((e: any) => e);
      expect(error.name).toBe("NoProcedureError");
    });

    test("kickOut removes the client from the channel and tells it why", async () => {
      const client = await connect();
      const channel = client.subscribe("kick");
      await once(channel, "subscribe");
      const kicked = once(client, "kickOut");
      await client.invoke("kickMe", "kick");
      const event = await kicked;
      expect(event.channel).toBe("kick");
      expect(event.message).toBe("bye");
      expect(client.isSubscribed("kick", true)).toBe(false);
    });

    test("subscribe past socketChannelLimit fails with BrokerError", async () => {
      const client = await connect();
      const limit = scx.server.config.socketChannelLimit!;
      for (let i = 0; i < limit; i++) client.subscribe(`many-${i}`);
      await once(client.channel(`many-${limit - 1}`), "subscribe");
      const failed = once(client, "subscribeFail");
      client.subscribe("one-too-many");
      const event = await failed;
      expect(event.error.name).toBe("BrokerError");
      expect(event.error.message).toContain("channel subscription limit of 1000");
    });
  });
}

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
