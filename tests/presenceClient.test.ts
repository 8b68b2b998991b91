/**
 * Presence through `scx/client` and from the server side: `channel.presence()`,
 * `channel.presenceStats()`, `join`/`leave` events (callback and `for await`), errors as
 * named errors; `server.exchange.presence()` from the library with worker threads (the
 * main thread's broker links); a restarted broker rebuilds the member list from its
 * workers without sending anyone a #join or #leave.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ClientSocket, create } from "../src/client/index.ts";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { brokerIndex } from "../src/protocol/channelHash.ts";

const channels = [{ match: "room/*", joinLeave: true }, { match: "list/*", presence: true }];

for (const workers of [0, 2]) {
  describe(`presence from scx/client and the library (${workers ? "2 worker threads, 2 brokers" : "in-process"})`, () => {
    let server: ScxServer;
    const sockets: ClientSocket[] = [];
    async function connect() {
      const socket = create({ hostname: "127.0.0.1", port: server.port, ackTimeout: 5000 });
      sockets.push(socket);
      await socket.listener("connect").once();
      return socket;
    }
    async function joined(socket: ClientSocket, name: string) {
      const channel = socket.subscribe(name);
      await channel.listener("subscribe").once();
      return channel;
    }

    beforeAll(async () => {
      server = createServer({ host: "127.0.0.1", port: 0, logLevel: "silent", channels, workers, brokers: workers ? 2 : 1 });
      await server.start();
    });
    afterAll(async () => {
      for (const socket of sockets) socket.disconnect();
      await server.stop();
    });

    test("Channel.presence() lists members right after subscribe; join and leave arrive as channel events (on and for await)", async () => {
      const [a, b] = [await connect(), await connect()];
      const roomA = await joined(a, "room/1");
      const joins: any[] = [];
      roomA.on("join", (member) => joins.push(member));
      const leaves = (async () => {
        for await (const member of roomA.listener("leave")) return member;
      })();
      const roomB = await joined(b, "room/1");
      expect((await roomB.presence()).map((m) => m.client).sort()).toEqual([a.id, b.id].sort());
      expect(await roomA.presenceStats()).toEqual({ clients: 2, users: 0 });
      for (let i = 0; i < 100 && joins.length === 0; i++) await Bun.sleep(20);
      expect(joins).toEqual([{ client: b.id, user: null, info: null }]);
      b.disconnect();
      expect(await leaves).toEqual({ client: b.id, user: null, info: null });
      expect(await server.exchange.presence("room/1")).toEqual([{ client: a.id!, user: null, info: null }]);
      expect(await server.exchange.presenceStats("room/1")).toEqual({ clients: 1, users: 0 });
    });

    test("Channel.presence() rejects with a named error for a non-subscriber and on a channel without presence", async () => {
      const socket = await connect();
      const error = await socket.channel("list/x").presence().catch((e) => e);
      expect(error.name).toBe("InvalidActionError");
      const plain = await joined(socket, "plain");
      expect((await plain.presenceStats().catch((e) => e)).name).toBe("InvalidActionError");
      await expect(server.exchange.presence("plain")).rejects.toThrow("has no presence");
    });

    if (workers) {
      test("a restarted broker rebuilds the member list from its workers' resync, with no #join or #leave", async () => {
        const name = "room/restart";
        const [a, b] = [await connect(), await connect()];
        const roomA = await joined(a, name);
        await joined(b, name);
        const events: string[] = [];
        roomA.on("join", () => events.push("join"));
        roomA.on("leave", () => events.push("leave"));
        await Bun.sleep(100);
        events.length = 0;
        const owner = brokerIndex(name, 2);
        const restarted = server.supervisor!.nextStart("broker", owner);
        server.supervisor!.kill("broker", owner);
        await restarted;
        let stats = await server.exchange.presenceStats(name);
        for (let i = 0; i < 100 && stats.clients < 2; i++) {
          await Bun.sleep(20);
          stats = await server.exchange.presenceStats(name);
        }
        expect(stats).toEqual({ clients: 2, users: 0 });
        expect((await roomA.presence()).map((m) => m.client).sort()).toEqual([a.id, b.id].sort());
        expect(events).toEqual([]);
      }, 20_000);
    }
  });
}
