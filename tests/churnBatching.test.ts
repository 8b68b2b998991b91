/**
 * Subscribe and unsubscribe churn (issue 10): worker→broker messages cross once per
 * event-loop turn, and one broker round trip answers every socket waiting on a new
 * channel. What must hold whatever the batching: replies in order, a #subscribe reply
 * before any publication on its channel, a channel left in the same turn it was joined
 * truly left, and what a socket keeps of its upgrade request. Real servers, real sockets.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";
import { SmallSet } from "../src/worker/SmallSet.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { serveCommand, startCli } from "./helpers/startCli.ts";


/** The next packet that is not a ping, or null if none comes within `ms` (a quiet line is the expected outcome). */
async function quiet(socket: RawSocket, ms: number): Promise<any | null> {
  try {
    return await socket.nextPacket(ms);
  } catch {
    return null;
  }
}

describe("SmallSet", () => {
  test("SmallSet.add() keeps one channel, then behaves as a Set past it", () => {
    const set = new SmallSet<string>();
    expect(set.size).toBe(0);
    expect(set.has("a")).toBe(false);
    set.add("a").add("a");
    expect(set.size).toBe(1);
    expect([...set]).toEqual(["a"]);
    set.add("b");
    expect(set.size).toBe(2);
    expect([...set.values()]).toEqual(["a", "b"]);
    expect(set.delete("a")).toBe(true);
    expect(set.delete("a")).toBe(false);
    expect([...set.entries()]).toEqual([["b", "b"]]);
    const seen: string[] = [];
    set.forEach((channel) => seen.push(channel));
    expect(seen).toEqual(["b"]);
    set.clear();
    expect(set.size).toBe(0);
    expect(set.delete("b")).toBe(false);
  });
});

for (const workers of [0, 2]) {
  describe(`churn batching (${workers ? `${workers} worker threads` : "in-process"})`, () => {
    let scx: StartedScx;
    let n = 0;
    const fresh = () => `churn/${workers}/${++n}`;

    beforeAll(async () => {
      scx = await startScx({ workers, socketChannelLimit: null });
    });
    afterAll(async () => {
      await scx.stop();
    });

    test("a #subscribe and #unsubscribe of a fresh channel in one tick are answered in order, and the socket is gone from it", async () => {
      const channel = fresh();
      const churner = await handshaken(scx.url);
      // Both in one frame (a batch): handled in the same tick.
      churner.send([{ event: "#subscribe", data: { channel }, cid: 2 }, { event: "#unsubscribe", data: channel, cid: 3 }]);
      expect(await churner.nextPacket()).toEqual({ rid: 2 });
      expect(await churner.nextPacket()).toEqual({ rid: 3 });
      // Someone else joins the channel afterwards and gets a publication; the churner does not.
      const stayer = await handshaken(scx.url);
      stayer.send({ event: "#subscribe", data: { channel }, cid: 2 });
      expect(await stayer.nextPacket()).toEqual({ rid: 2 });
      const publisher = await handshaken(scx.url);
      publisher.send({ event: "#publish", data: { channel, data: "after" }, cid: 2 });
      expect(await publisher.nextPacket()).toEqual({ rid: 2 });
      expect(await stayer.nextPacket()).toEqual({ event: "#publish", data: { channel, data: "after" } });
      expect(await quiet(churner, 300)).toBeNull();
      for (const socket of [churner, stayer, publisher]) socket.ws.close();
    });

    test("subscribe, unsubscribe and subscribe again in one tick leave the socket subscribed", async () => {
      const channel = fresh();
      const socket = await handshaken(scx.url);
      socket.send([
        { event: "#subscribe", data: { channel }, cid: 2 },
        { event: "#unsubscribe", data: channel, cid: 3 },
        { event: "#subscribe", data: { channel }, cid: 4 },
      ]);
      expect([await socket.nextPacket(), await socket.nextPacket(), await socket.nextPacket()]).toEqual([{ rid: 2 }, { rid: 3 }, { rid: 4 }]);
      const publisher = await handshaken(scx.url);
      publisher.send({ event: "#publish", data: { channel, data: 1 }, cid: 2 });
      expect(await publisher.nextPacket()).toEqual({ rid: 2 });
      expect(await socket.nextPacket()).toEqual({ event: "#publish", data: { channel, data: 1 } });
      socket.ws.close();
      publisher.ws.close();
    });

    test("frames sent one by one behind a #subscribe waiting on its broker wait their turn: replies in order, the last subscribe stands", async () => {
      await framesOneByOne(scx.url, fresh);
    });

    test("under a running publisher, every #subscribe reply comes before the first publication on its channel, and the publication after it arrives", async () => {
      const channel = fresh();
      const publisher = await handshaken(scx.url);
      let publishing = true;
      const pumping = (async () => {
        let i = 0;
        while (publishing) {
          publisher.send({ event: "#publish", data: { channel, data: i++ } });
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      const subscribers = await Promise.all(Array.from({ length: 20 }, () => handshaken(scx.url)));
      // Everyone subscribes in the same tick: one broker round trip answers them all.
      for (const socket of subscribers) socket.send({ event: "#subscribe", data: { channel }, cid: 2 });
      for (const socket of subscribers) expect(await socket.nextPacket(10_000)).toEqual({ rid: 2 });
      publishing = false;
      await pumping;
      // Acknowledged after every reply: each subscriber gets it.
      publisher.send({ event: "#publish", data: { channel, data: "last" }, cid: 9 });
      for (;;) if ((await publisher.nextPacket()).rid === 9) break;
      for (const socket of subscribers) {
        for (;;) {
          const packet = await socket.nextPacket(10_000);
          expect(packet.event).toBe("#publish");
          if (packet.data.data === "last") break;
        }
      }
      for (const socket of [...subscribers, publisher]) socket.ws.close();
    });
  });
}

/**
 * Each its own frame: the first #subscribe holds the socket's later frames (no batch, no
 * promise: src/worker/inboundHold.ts) until its broker answers; they are answered after it, in order.
 */
async function framesOneByOne(url: string, fresh: () => string): Promise<void> {
  const channel = fresh();
  const socket = await handshaken(url);
  socket.send({ event: "#subscribe", data: { channel }, cid: 2 });
  socket.send({ event: "#unsubscribe", data: channel, cid: 3 });
  socket.send({ event: "#subscribe", data: { channel: fresh() }, cid: 4 });
  socket.send({ event: "#subscribe", data: { channel }, cid: 5 });
  socket.send({ event: "#publish", data: { channel, data: "mine" }, cid: 6 });
  const packets = [];
  for (let i = 0; i < 6; i++) packets.push(await socket.nextPacket(10_000));
  expect(packets.slice(0, 4)).toEqual([{ rid: 2 }, { rid: 3 }, { rid: 4 }, { rid: 5 }]);
  // The publication reaches its subscribed sender once the publish was handled: before or after rid 6.
  expect(packets.slice(4)).toContainEqual({ rid: 6 });
  expect(packets.slice(4)).toContainEqual({ event: "#publish", data: { channel, data: "mine" } });
  socket.ws.close();
}

// Two worker threads: a fresh channel's #subscribe waits on its broker (the held path). One:
// the sole worker answers at once (src/config/soleWorkerId.ts); the order must hold either way.
for (const [runtime, workers] of [["bun", 2], ["deno", 2], ["bun", 1], ["deno", 1]] as const) {
  test(`the binary on ${runtime} with ${workers} worker thread(s): frames sent one by one behind a #subscribe are answered in order`, async () => {
    const dir = mkdtempSync(`${tmpdir()}/scx-churn-`);
    writeFileSync(`${dir}/scx.yaml`, `host: 127.0.0.1\nport: 0\nworkers: ${workers}\nlogFormat: json\n`);
    const command = serveCommand(runtime, `${dir}/scx.yaml`);
    const proc = await startCli(command);
    try {
      let n = 0;
      for (let round = 0; round < 5; round++) await framesOneByOne(`ws://127.0.0.1:${proc.port}/socketcluster/`, () => `one-by-one/${++n}`);
    } finally {
      proc.kill();
    }
  }, 60_000);
}

describe("what a socket keeps of its upgrade request", () => {
  test("socket.request keeps the URL and the client's headers, not the upgrade's own", async () => {
    const scx = await startScx();
    try {
      let kept: { url: string; cookie: string | null; key: string | null; upgrade: string | null } | null = null;
      scx.server.procedure("request", (_data, socket) => {
        kept = {
          url: socket.request.url, cookie: socket.request.headers.get("cookie"),
          key: socket.request.headers.get("sec-websocket-key"), upgrade: socket.request.headers.get("upgrade"),
        };
        return true;
      });
      const url = `${scx.url}?room=7`;
      const ws = new WebSocket(url, { headers: { cookie: "a=1" } } as any);
      await new Promise((resolve) => { ws.onopen = resolve; });
      const replies: any[] = [];
      const got = new Promise<void>((resolve) => {
        ws.onmessage = (event) => {
          if (event.data === "") return;
          replies.push(JSON.parse(String(event.data)));
          if (replies.length === 2) resolve();
        };
      });
      ws.send(JSON.stringify({ event: "#handshake", data: { authToken: null }, cid: 1 }));
      ws.send(JSON.stringify({ event: "request", cid: 2 }));
      await got;
      expect(replies[1]).toEqual({ rid: 2, data: true });
      expect(kept!).toEqual({ url: url.replace("ws://", "http://"), cookie: "a=1", key: null, upgrade: null });
      ws.close();
    } finally {
      await scx.stop();
    }
  });

  test("sockets with the same headers share one kept list, yet each socket's request.headers is its own", async () => {
    const scx = await startScx();
    try {
      const seen: Array<{ id: string; headers: Headers }> = [];
      scx.server.procedure("mark", (data, socket) => {
        const headers = socket.request.headers;
        // The same object on every read; a change stays with this socket.
        if (headers !== socket.request.headers) throw new Error("request.headers is not stable");
        headers.set("x-mark", data);
        seen.push({ id: socket.id, headers });
        return socket.request.headers.get("x-mark");
      });
      scx.server.procedure("read", (_data, socket) => ({ mark: socket.request.headers.get("x-mark"), lang: socket.request.headers.get("accept-language") }));
      const open = async () => {
        const ws = new WebSocket(scx.url, { headers: { "accept-language": "fr", cookie: "same" } } as any);
        await new Promise((resolve) => { ws.onopen = resolve; });
        const replies = new Map<number, unknown>();
        ws.onmessage = (event) => { if (event.data !== "") { const packet = JSON.parse(String(event.data)); replies.set(packet.rid, packet.data); } };
        const call = async (event: string, data: unknown, cid: number) => {
          ws.send(JSON.stringify({ event, data, cid }));
          while (!replies.has(cid)) await Bun.sleep(5);
          return replies.get(cid);
        };
        ws.send(JSON.stringify({ event: "#handshake", data: { authToken: null }, cid: 1 }));
        return { ws, call };
      };
      const [a, b] = [await open(), await open()];
      expect(await a.call("mark", "a", 2)).toBe("a");
      expect(await b.call("read", null, 2)).toEqual({ mark: null, lang: "fr" });
      expect(await b.call("mark", "b", 3)).toBe("b");
      expect(await a.call("read", null, 3)).toEqual({ mark: "a", lang: "fr" });
      expect(seen.map((entry) => entry.headers.get("x-mark"))).toEqual(["a", "b"]);
      a.ws.close();
      b.ws.close();
    } finally {
      await scx.stop();
    }
  });
});
