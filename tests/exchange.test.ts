/**
 * The server-side exchange (issue 11 §5): publish returns the offset and epoch on history
 * channels, history(), and server-side subscribe/watch/iterate; in-process, from a worker
 * script in worker threads, and from the library with `workers: 2` (issue 9 item 7:
 * server.exchange works with worker threads).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";
import { onBothWorkers } from "./helpers/onBothWorkers.ts";


const channels = [{ match: "chat/*", history: { size: 100, ttl: 600 } }];
const script = new URL("./fixtures/exchange.ts", import.meta.url).pathname;

async function packet(socket: RawSocket, match: (p: any) => boolean): Promise<any> {
  for (;;) {
    const p = await socket.nextPacket();
    if (match(p)) return p;
  }
}

async function subscribed(url: string, channel: string): Promise<RawSocket> {
  const socket = await handshaken(url);
  socket.send({ event: "#subscribe", data: { channel }, cid: 2 });
  await packet(socket, (p) => p.rid === 2);
  return socket;
}

for (const workers of [0, 2]) {
  describe(`server.exchange from the library (${workers ? "workers: 2" : "in-process"})`, () => {
    let server: ScxServer;
    let url: string;
    beforeAll(async () => {
      server = createServer({ host: "127.0.0.1", port: 0, workers, brokers: 2, logLevel: "silent", channels });
      await server.start();
      url = `ws://127.0.0.1:${server.port}/socketcluster/`;
    });
    afterAll(() => server.stop());

    test("Exchange.publish resolves to {offset, epoch} on a history channel and {} on an ephemeral one; clients receive both", async () => {
      const history = await subscribed(url, "chat/a");
      const plain = await subscribed(url, "plain");
      const first = await server.exchange.publish("chat/a", { n: 1 });
      const second = await server.exchange.publish("chat/a", { n: 2 });
      expect(first).toEqual({ offset: 1, epoch: expect.any(String) });
      expect(second).toEqual({ offset: 2, epoch: first.epoch });
      expect(await server.exchange.publish("plain", "x")).toEqual({});
      expect((await packet(history, (p) => p.event === "#publish")).data).toEqual({ channel: "chat/a", data: { n: 1 }, offset: 1, epoch: first.epoch });
      expect((await packet(plain, (p) => p.event === "#publish")).data).toEqual({ channel: "plain", data: "x" });
      history.ws.close();
      plain.ws.close();
    });

    test("Exchange.history reads the latest `limit`, or the first after `since`; a channel without history rejects with InvalidActionError", async () => {
      for (let n = 1; n <= 4; n++) await server.exchange.publish("chat/h", n);
      const latest = await server.exchange.history("chat/h", { limit: 2 });
      expect(latest.publications).toEqual([{ offset: 3, data: 3 }, { offset: 4, data: 4 }]);
      expect(latest.offset).toBe(4);
      const after = await server.exchange.history("chat/h", { since: { offset: 1, epoch: latest.epoch }, limit: 1 });
      expect(after.publications).toEqual([{ offset: 2, data: 2 }]);
      await expect(server.exchange.history("plain")).rejects.toMatchObject({ name: "InvalidActionError" });
    });

    test("Exchange.subscribe: watch and for-await both get client publications in order, with offsets; unsubscribe stops them", async () => {
      const channel = await server.exchange.subscribe("chat/s");
      const watched: unknown[] = [];
      channel.watch((data, pub) => watched.push([data, pub.offset]));
      const iterated: unknown[] = [];
      const done = (async () => {
        for await (const data of channel) {
          iterated.push(data);
          if (iterated.length === 3) break;
        }
      })();
      const client = await handshaken(url);
      for (let n = 1; n <= 3; n++) client.send({ event: "#publish", data: { channel: "chat/s", data: n } });
      await done;
      expect(iterated).toEqual([1, 2, 3]);
      expect(watched).toEqual([[1, 1], [2, 2], [3, 3]]);
      channel.unsubscribe();
      expect(channel.isSubscribed).toBe(false);
      client.send({ event: "#publish", data: { channel: "chat/s", data: 4 }, cid: 9 });
      await packet(client, (p) => p.rid === 9);
      await server.exchange.publish("chat/s", 5);
      expect(watched.length).toBe(3);
      client.ws.close();
    });
  });
}

for (const workers of [0, 2]) describe(`scx.exchange in a worker script (${workers ? "2 worker threads" : "in-process"})`, () => {
  let server: ScxServer;
  let url: string;
  beforeAll(async () => {
    server = createServer({ host: "127.0.0.1", port: 0, workers, brokers: 2, logLevel: "silent", channels, worker: script });
    await server.start();
    url = `ws://127.0.0.1:${server.port}/socketcluster/`;
  });
  afterAll(() => server.stop());

  test("publish from a worker script returns {offset, epoch}; history and server-side watch work from every worker", async () => {
    let cid = 100;
    const invoke = async (socket: RawSocket, event: string, data: unknown) => {
      const id = ++cid;
      socket.send({ event, data, cid: id });
      const reply = await packet(socket, (p) => p.rid === id);
      if (reply.error) throw Object.assign(new Error(reply.error.message), reply.error);
      return reply.data;
    };
    const { items: sockets, workers: ids } = await onBothWorkers(8, () => handshaken(url), (socket) => invoke(socket, "whoami", null), workers ? 2 : 1);
    expect(new Set(ids).size).toBe(workers || 1);
    const on0 = sockets[ids.indexOf(0)]!;
    const on1 = sockets[ids.indexOf(workers ? 1 : 0)]!;
    await invoke(on1, "watch", "chat/w");
    const first = await invoke(on0, "publish", { channel: "chat/w", data: "a" });
    expect(first).toEqual({ offset: 1, epoch: expect.any(String) });
    expect(await invoke(on1, "publish", { channel: "chat/w", data: "b" })).toEqual({ offset: 2, epoch: first.epoch });
    expect(await invoke(on1, "history", { channel: "chat/w", options: { limit: 10 } }))
      .toEqual({ publications: [{ offset: 1, data: "a" }, { offset: 2, data: "b" }], offset: 2, epoch: first.epoch });
    // The watcher on worker 1 saw both, including worker 0's, with offsets.
    for (let i = 0; i < 50; i++) {
      if ((await invoke(on1, "seen", "chat/w")).length === 2) break;
      await Bun.sleep(10);
    }
    expect(await invoke(on1, "seen", "chat/w")).toEqual([{ data: "a", offset: 1 }, { data: "b", offset: 2 }]);
    for (const socket of sockets) socket.ws.close();
  });
});
