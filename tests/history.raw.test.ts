/**
 * Issue 11 §3 on the wire, frame by frame (exact JSON text): offsets and epochs on
 * #publish, the position in #subscribe replies, recovery with `since`, #history, latest,
 * and ephemeral channels unchanged. Each rule runs in-process and with 2 worker threads
 * + 2 brokers (channels spread over both brokers).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";

const channels = [
  { match: "chat/*", history: { size: 100, ttl: 600 } },
  { match: "small/*", history: { size: 5, ttl: 600 } },
  { match: "status/*", latest: true },
  { match: "both/*", history: { size: 10, ttl: 600 }, latest: true },
  { match: "tick/*", conflate: 150 },
];

type Client = RawSocket & { id: string; cid: number };

/** The next frame that is no ping. */
async function frame(socket: RawSocket, timeoutMs = 3000): Promise<string> {
  for (;;) {
    const text = await socket.next(timeoutMs);
    if (text !== "" && text !== "#1") return text;
  }
}

async function noFrame(socket: RawSocket, ms = 150): Promise<void> {
  const got = await frame(socket, ms).catch(() => null);
  expect(got).toBeNull();
}

for (const mode of [{ workers: 0, brokers: 2 }, { workers: 2, brokers: 2 }]) {
  describe(`history on the wire (${mode.workers ? "2 worker threads" : "in-process"}, 2 brokers)`, () => {
    let server: ScxServer;
    let url: string;
    const sockets: RawSocket[] = [];
    let uniq = 0;
    const channel = (prefix: string) => `${prefix}/${mode.workers}-${++uniq}`;

    async function client(): Promise<Client> {
      const socket = Object.assign(await handshaken(url), { cid: 10 });
      sockets.push(socket);
      return socket;
    }
    async function subscribe(socket: Client, ch: string, since?: { offset: number; epoch: string }) {
      const cid = ++socket.cid;
      socket.send({ event: "#subscribe", data: since ? { channel: ch, since } : { channel: ch }, cid });
      const reply = await frame(socket);
      expect(JSON.parse(reply).rid).toBe(cid);
      return { text: reply, cid, data: JSON.parse(reply).data };
    }
    async function publish(socket: Client, ch: string, data: unknown) {
      const cid = ++socket.cid;
      socket.send({ event: "#publish", data: { channel: ch, data }, cid });
      for (;;) {
        const packet = JSON.parse(await frame(socket));
        if (packet.rid === cid) return packet;
      }
    }

    beforeAll(async () => {
      server = createServer({ host: "127.0.0.1", port: 0, logLevel: "silent", channels, ...mode });
      await server.start();
      url = `ws://127.0.0.1:${server.port}/socketcluster/`;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.ws.close();
      await server.stop();
    });

    test("#subscribe reply on a history channel is {rid, data:{offset:0, epoch}} before any publication", async () => {
      const a = await client();
      const { text, cid, data } = await subscribe(a, channel("chat"));
      expect(typeof data.epoch).toBe("string");
      expect(data.epoch.length).toBeGreaterThan(0);
      expect(text).toBe(`{"rid":${cid},"data":{"offset":0,"epoch":${JSON.stringify(data.epoch)}}}`);
    });

    test("#subscribe again to a history channel a socket is on: the reply still carries the position, nothing is replayed", async () => {
      const ch = channel("chat");
      const a = await client();
      const { data: { epoch } } = await subscribe(a, ch);
      const publisher = await client();
      await publish(publisher, ch, "x");
      expect(JSON.parse(await frame(a)).data.offset).toBe(1);
      const { text, cid } = await subscribe(a, ch);
      expect(text).toBe(`{"rid":${cid},"data":{"offset":1,"epoch":"${epoch}"}}`);
      await noFrame(a);
    });

    test("#publish on a history channel carries offset (+1 each) and epoch; a later subscriber's reply holds the latest offset", async () => {
      const ch = channel("chat");
      const a = await client();
      const { data: { epoch } } = await subscribe(a, ch);
      const publisher = await client();
      for (let n = 1; n <= 3; n++) expect(await publish(publisher, ch, { n })).toEqual({ rid: publisher.cid });
      for (let n = 1; n <= 3; n++) {
        expect(await frame(a)).toBe(`{"event":"#publish","data":{"channel":"${ch}","data":{"n":${n}},"offset":${n},"epoch":"${epoch}"}}`);
      }
      const b = await client();
      const { text, cid } = await subscribe(b, ch);
      expect(text).toBe(`{"rid":${cid},"data":{"offset":3,"epoch":"${epoch}"}}`);
    });

    test("#subscribe with since recovers: recovered:true first, then exactly the 50 missed in order, then live ones", async () => {
      const ch = channel("chat");
      const a = await client();
      const { data: { epoch } } = await subscribe(a, ch);
      const publisher = await client();
      await publish(publisher, ch, "before");
      expect(JSON.parse(await frame(a)).data.offset).toBe(1);
      a.ws.close();
      for (let n = 0; n < 50; n++) await publish(publisher, ch, n);
      const back = await client();
      const { text, cid } = await subscribe(back, ch, { offset: 1, epoch });
      expect(text).toBe(`{"rid":${cid},"data":{"offset":51,"epoch":"${epoch}","recovered":true}}`);
      for (let n = 0; n < 50; n++) {
        expect(await frame(back)).toBe(`{"event":"#publish","data":{"channel":"${ch}","data":${n},"offset":${n + 2},"epoch":"${epoch}"}}`);
      }
      await publish(publisher, ch, "live");
      expect(JSON.parse(await frame(back)).data).toEqual({ channel: ch, data: "live", offset: 52, epoch });
      await noFrame(back);
    });

    test("#subscribe with a wrong epoch gives recovered:false with the current position and replays nothing", async () => {
      const ch = channel("chat");
      const publisher = await client();
      await publish(publisher, ch, "x");
      const a = await client();
      const { text, cid, data } = await subscribe(a, ch, { offset: 0, epoch: "not-the-epoch" });
      expect(text).toBe(`{"rid":${cid},"data":{"offset":1,"epoch":${JSON.stringify(data.epoch)},"recovered":false}}`);
      await noFrame(a);
    });

    test("#subscribe with since older than the kept history (trimmed) gives recovered:false", async () => {
      const ch = channel("small");
      const a = await client();
      const { data: { epoch } } = await subscribe(a, ch);
      const publisher = await client();
      for (let n = 0; n < 10; n++) await publish(publisher, ch, n);
      const b = await client();
      const { text, cid } = await subscribe(b, ch, { offset: 2, epoch });
      expect(text).toBe(`{"rid":${cid},"data":{"offset":10,"epoch":"${epoch}","recovered":false}}`);
      await noFrame(b);
      // Since 5 is still whole (6..10 kept): recovered.
      const c = await client();
      expect((await subscribe(c, ch, { offset: 5, epoch })).data.recovered).toBe(true);
      for (let n = 6; n <= 10; n++) expect(JSON.parse(await frame(c)).data.offset).toBe(n);
    });

    test("#history answers {publications:[{offset,data}],offset,epoch}: latest `limit` without since, first `limit` after since", async () => {
      const ch = channel("chat");
      const publisher = await client();
      for (let n = 1; n <= 5; n++) await publish(publisher, ch, { n });
      const epoch = (await subscribe(await client(), ch)).data.epoch;
      const cid = ++publisher.cid;
      publisher.send({ event: "#history", data: { channel: ch, limit: 2 }, cid });
      expect(await frame(publisher)).toBe(`{"rid":${cid},"data":{"publications":[{"offset":4,"data":{"n":4}},{"offset":5,"data":{"n":5}}],"offset":5,"epoch":"${epoch}"}}`);
      publisher.send({ event: "#history", data: { channel: ch, since: { offset: 1, epoch }, limit: 2 }, cid: cid + 1 });
      expect(await frame(publisher)).toBe(`{"rid":${cid + 1},"data":{"publications":[{"offset":2,"data":{"n":2}},{"offset":3,"data":{"n":3}}],"offset":5,"epoch":"${epoch}"}}`);
      publisher.send({ event: "#history", data: { channel: ch }, cid: cid + 2 });
      expect(JSON.parse(await frame(publisher)).data.publications.map((p: any) => p.offset)).toEqual([1, 2, 3, 4, 5]);
      publisher.cid += 2;
    });

    test("#history on a channel without history gets InvalidActionError naming the channel", async () => {
      const a = await client();
      a.send({ event: "#history", data: { channel: "plain/x" }, cid: 99 });
      const reply = JSON.parse(await frame(a));
      expect(reply.rid).toBe(99);
      expect(reply.error.name).toBe("InvalidActionError");
      expect(reply.error.message).toContain("plain/x");
    });

    test("latest: the last publication comes right after the subscribe reply (no offset on the wire without history)", async () => {
      const ch = channel("status");
      const publisher = await client();
      await publish(publisher, ch, "old");
      await publish(publisher, ch, "newest");
      const a = await client();
      const { text, cid } = await subscribe(a, ch);
      expect(text).toBe(`{"rid":${cid}}`);
      expect(await frame(a)).toBe(`{"event":"#publish","data":{"channel":"${ch}","data":"newest"}}`);
      await noFrame(a);
      await publish(publisher, ch, "next");
      expect(await frame(a)).toBe(`{"event":"#publish","data":{"channel":"${ch}","data":"next"}}`);
    });

    test("latest with history: the reply carries the position, then the last publication with its offset", async () => {
      const ch = channel("both");
      const publisher = await client();
      for (let n = 1; n <= 3; n++) await publish(publisher, ch, n);
      const a = await client();
      const { text, cid, data } = await subscribe(a, ch);
      expect(text).toBe(`{"rid":${cid},"data":{"offset":3,"epoch":"${data.epoch}"}}`);
      expect(await frame(a)).toBe(`{"event":"#publish","data":{"channel":"${ch}","data":3,"offset":3,"epoch":"${data.epoch}"}}`);
      await noFrame(a);
    });

    test("latest on a channel never published to sends only the reply", async () => {
      const a = await client();
      const { text, cid } = await subscribe(a, channel("status"));
      expect(text).toBe(`{"rid":${cid}}`);
      await noFrame(a);
    });

    test("conflate: a burst reaches a subscriber as its first and its last publication, plain frames; another channel gets all", async () => {
      const ch = channel("tick");
      const other = channel("plain");
      const a = await client();
      await subscribe(a, ch);
      await subscribe(a, other);
      const publisher = await client();
      for (let n = 1; n <= 20; n++) {
        publisher.send({ event: "#publish", data: { channel: ch, data: n } });
        publisher.send({ event: "#publish", data: { channel: other, data: n } });
      }
      const conflated: unknown[] = [];
      const plain: unknown[] = [];
      while (conflated.at(-1) !== 20 || plain.length < 20) {
        const { data } = JSON.parse(await frame(a));
        expect(Object.keys(data)).toEqual(["channel", "data"]);
        (data.channel === ch ? conflated : plain).push(data.data);
      }
      expect(conflated[0]).toBe(1);
      expect(conflated.length).toBeLessThanOrEqual(3);
      expect(plain).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      await noFrame(a);
    });

    test("ephemeral channels are unchanged: reply {rid}, #publish without offset or epoch", async () => {
      const ch = channel("plain");
      const a = await client();
      const { text, cid } = await subscribe(a, ch, { offset: 3, epoch: "e" });
      expect(text).toBe(`{"rid":${cid}}`);
      const publisher = await client();
      await publish(publisher, ch, { x: 1 });
      expect(await frame(a)).toBe(`{"event":"#publish","data":{"channel":"${ch}","data":{"x":1}}}`);
    });
  });
}

describe("history middleware action", () => {
  test("#history passes inbound middleware as a `history` action; a block answers its error", async () => {
    const server = createServer({ host: "127.0.0.1", port: 0, workers: 0, logLevel: "silent", channels });
    const seen: unknown[] = [];
    server.middleware("inbound", (action) => {
      if (action.type !== "history") return;
      seen.push({ channel: action.channel, data: action.data });
      if (action.channel === "chat/secret") throw Object.assign(new Error("No history for you"), { name: "AuthError" });
    });
    await server.start();
    try {
      const socket = await handshaken(`ws://127.0.0.1:${server.port}/socketcluster/`);
      socket.send({ event: "#history", data: { channel: "chat/secret", limit: 3 }, cid: 5 });
      expect(JSON.parse(await frame(socket))).toEqual({ rid: 5, error: { name: "AuthError", message: "No history for you" } });
      socket.send({ event: "#history", data: { channel: "chat/open" }, cid: 6 });
      const reply = JSON.parse(await frame(socket));
      expect(reply.rid).toBe(6);
      expect(reply.data.publications).toEqual([]);
      expect(seen).toEqual([{ channel: "chat/secret", data: { since: undefined, limit: 3 } }, { channel: "chat/open", data: { since: undefined, limit: undefined } }]);
      socket.ws.close();
    } finally {
      await server.stop();
    }
  });
});

describe("outbound middleware on kept channels", () => {
  test("publishOut may replace the data of a history publication: the frame keeps its offset and epoch; recovery replays pass it too", async () => {
    const server = createServer({ host: "127.0.0.1", port: 0, workers: 0, logLevel: "silent", channels });
    server.middleware("outbound", (action) => {
      if (action.channel.startsWith("chat/")) action.data = { wrapped: action.data };
    });
    await server.start();
    try {
      const url = `ws://127.0.0.1:${server.port}/socketcluster/`;
      const a = await handshaken(url);
      a.send({ event: "#subscribe", data: { channel: "chat/mw" }, cid: 2 });
      const { epoch } = JSON.parse(await frame(a)).data;
      await server.exchange.publish("chat/mw", 1);
      expect(await frame(a)).toBe(`{"event":"#publish","data":{"channel":"chat/mw","data":{"wrapped":1},"offset":1,"epoch":"${epoch}"}}`);
      const b = await handshaken(url);
      b.send({ event: "#subscribe", data: { channel: "chat/mw", since: { offset: 0, epoch } }, cid: 2 });
      expect(JSON.parse(await frame(b)).data.recovered).toBe(true);
      expect(await frame(b)).toBe(`{"event":"#publish","data":{"channel":"chat/mw","data":{"wrapped":1},"offset":1,"epoch":"${epoch}"}}`);
      a.ws.close();
      b.ws.close();
    } finally {
      await server.stop();
    }
  });
});
