/**
 * The conformance suite: scx driven by the official socketcluster-client from npm (v20 and
 * v17), unchanged, over real sockets on 127.0.0.1. `start` gives a server running the
 * tests/fixtures/conformance.ts worker script: in-process, threaded, or the binary.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import scV20 from "socketcluster-client";
import scV17 from "socketcluster-client-v17";

const clients = [["v20", scV20], ["v17", scV17]] as const;

function once<T = any>(emitter: any, event: string): Promise<T> {
  return emitter.listener(event).once();
}

export const conformanceScript = new URL("./fixtures/conformance.ts", import.meta.url).pathname;

/** Channel namespaces every conformance target runs with (issue 11): history, latest, conflated. */
export const conformanceChannels = [
  { match: "hist/*", history: { size: 100, ttl: 600 } },
  { match: "last/*", latest: true },
  { match: "tick/*", conflate: 100 },
];
/** The same as YAML lines, for config files (the binary, Deno). */
export const conformanceChannelsYaml = `channels:
  - { match: "hist/*", history: { size: 100, ttl: 600 } }
  - { match: "last/*", latest: true }
  - { match: "tick/*", conflate: 100 }
`;

/**
 * `options.clientOptions` go to every create() (a `codecEngine`, say); `options.clients`
 * replaces the two official clients (scx/client with a codec, for one).
 */
export function conformanceSuite(target: string, start: () => Promise<{ port: number; stop(): Promise<void> }>,
  options: { clientOptions?: Record<string, unknown>; clients?: ReadonlyArray<readonly [string, { create(options: any): any }]> } = {}) {
  for (const [version, sc] of options.clients ?? clients) {
    const clientOptions = options.clientOptions ?? {};
    describe(`${target}: socketcluster-client ${version}`, () => {
      let scx: { port: number; stop(): Promise<void> };
      const open: any[] = [];
      const connect = async (options: Record<string, unknown> = {}) => {
        const client = sc.create({ hostname: "127.0.0.1", port: scx.port, autoReconnect: false, ackTimeout: 2000, ...clientOptions, ...options });
        open.push(client);
        await once(client, "connect");
        return client;
      };

      beforeAll(async () => {
        scx = await start();
      });
      afterAll(async () => {
        for (const client of open) client.disconnect();
        await scx.stop();
      });

      test("handshake gives the socket id the server knows, unauthenticated", async () => {
        const client = sc.create({ hostname: "127.0.0.1", port: scx.port, autoReconnect: false, ...clientOptions });
        open.push(client);
        const status = await once(client, "connect");
        expect(await client.invoke("myId")).toBe(client.id);
        expect(status.isAuthenticated).toBe(false);
        expect(status.pingTimeout).toBe(20000);
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

      test("a history channel delivers ordinary publications in order (offset and epoch are ignored)", async () => {
        const a = await connect();
        const channel = a.subscribe(`hist/${version}`);
        await once(channel, "subscribe");
        const received: unknown[] = [];
        const done = (async () => {
          for await (const data of channel) {
            received.push(data);
            if (received.length === 3) break;
          }
        })();
        for (let n = 1; n <= 3; n++) await a.invokePublish(`hist/${version}`, { n });
        await done;
        expect(received).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      });

      test("a latest channel gives a late subscriber the last publication at once", async () => {
        const a = await connect();
        for (let n = 1; n <= 3; n++) await a.invokePublish(`last/${version}`, n);
        const late = await connect();
        const channel = late.subscribe(`last/${version}`);
        const first = channel.once();
        await once(channel, "subscribe");
        expect(await first).toBe(3);
      });

      test("a conflated channel turns a burst into the first and the last", async () => {
        const a = await connect();
        const channel = a.subscribe(`tick/${version}`);
        await once(channel, "subscribe");
        const received: number[] = [];
        const done = (async () => {
          for await (const data of channel) {
            received.push(data);
            if (data === 19) break;
          }
        })();
        for (let n = 0; n < 20; n++) a.transmitPublish(`tick/${version}`, n);
        await done;
        expect(received[0]).toBe(0);
        expect(received.at(-1)).toBe(19);
        expect(received.length).toBeLessThanOrEqual(3);
      });

      test("subscribe past socketChannelLimit fails with BrokerError", async () => {
        const client = await connect();
        const limit = 1000;
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
}
