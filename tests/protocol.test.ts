/**
 * The wire, frame by frame, with a raw WebSocket: handshake rules and close codes,
 * batching, pings, path and origin checks, maxPayload.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { handshaken, rawSocket, upgradeStatus } from "./helpers/rawSocket.ts";
import { CloseCode } from "../src/protocol/closeCodes.ts";

let scx: StartedScx;
beforeAll(async () => {
  scx = await startScx({ handshakeTimeout: 200, pingInterval: 50, pingTimeout: 400, maxPayload: 1024 });
});
afterAll(() => scx.stop());

describe("handshake", () => {
  test("#handshake is answered with rid equal to its cid, id and pingTimeout", async () => {
    const socket = rawSocket(scx.url);
    await socket.opened;
    socket.send({ event: "#handshake", data: { authToken: null }, cid: 7 });
    const response = await socket.nextPacket();
    expect(response.rid).toBe(7);
    expect(response.data.id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(response.data.pingTimeout).toBe(400);
    expect(response.data.isAuthenticated).toBe(false);
    expect("authError" in response.data).toBe(false);
    socket.ws.close();
  });

  test("no #handshake within handshakeTimeout closes with 4005", async () => {
    const socket = rawSocket(scx.url);
    await socket.opened;
    expect((await socket.closed).code).toBe(CloseCode.HandshakeTimeout);
  });

  test("#handshake without a numeric cid closes with 4008", async () => {
    const socket = rawSocket(scx.url);
    await socket.opened;
    socket.send({ event: "#handshake", data: {}, cid: "1" });
    expect((await socket.closed).code).toBe(CloseCode.HandshakeRejected);
  });

  test("a message before the handshake closes with 4009", async () => {
    const socket = rawSocket(scx.url);
    await socket.opened;
    socket.send({ event: "#subscribe", data: { channel: "x" }, cid: 1 });
    expect((await socket.closed).code).toBe(CloseCode.MessageBeforeHandshake);
  });

  test("a transmitted #authenticate closes with 4008", async () => {
    const socket = await handshaken(scx.url);
    socket.send({ event: "#authenticate", data: "token" });
    expect((await socket.closed).code).toBe(CloseCode.HandshakeRejected);
  });
});

describe("pings", () => {
  test("v2 pings are empty frames; answering keeps the socket open past pingTimeout", async () => {
    const socket = await handshaken(scx.url);
    const started = Date.now();
    let pings = 0;
    while (Date.now() - started < 600) {
      const frame = await socket.next();
      expect(frame).toBe("");
      pings++;
      socket.send("");
    }
    expect(pings).toBeGreaterThan(3);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close();
  });

  test("#2 pongs are accepted as well", async () => {
    const socket = await handshaken(scx.url);
    const started = Date.now();
    while (Date.now() - started < 600) {
      await socket.next();
      socket.send("#2");
    }
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close();
  });

  test("no pong within pingTimeout closes with 4001", async () => {
    const socket = await handshaken(scx.url);
    expect((await socket.closed).code).toBe(CloseCode.PongTimeout);
  });
});

describe("packets", () => {
  test("a batch is handled in order, each answered in its own frame", async () => {
    const socket = await handshaken(scx.url);
    socket.send([
      { event: "#subscribe", data: { channel: "b1" }, cid: 2 },
      { event: "#subscribe", data: { channel: "b2" }, cid: 3 },
      { event: "#publish", data: { channel: "b1", data: "batched" } },
    ]);
    expect(await socket.nextPacket()).toEqual({ rid: 2 });
    expect(await socket.nextPacket()).toEqual({ rid: 3 });
    expect(await socket.nextPacket()).toEqual({ event: "#publish", data: { channel: "b1", data: "batched" } });
    socket.ws.close();
  });

  test("malformed #subscribe, #unsubscribe and #publish get InvalidActionError", async () => {
    const socket = await handshaken(scx.url);
    socket.send({ event: "#subscribe", data: 5, cid: 2 });
    socket.send({ event: "#unsubscribe", data: { no: 1 }, cid: 3 });
    socket.send({ event: "#publish", data: "x", cid: 4 });
    const replies = [await socket.nextPacket(), await socket.nextPacket(), await socket.nextPacket()];
    expect(replies.map((r) => [r.rid, r.error.name, r.error.message])).toEqual([
      [2, "InvalidActionError", "Subscribe channel name was malformatted"],
      [3, "InvalidActionError", "Unsubscribe channel name was malformatted"],
      [4, "InvalidActionError", "Publish channel name was malformatted"],
    ]);
    socket.ws.close();
  });

  test("unsubscribing from a channel never subscribed gets BrokerError", async () => {
    const socket = await handshaken(scx.url);
    socket.send({ event: "#unsubscribe", data: "never", cid: 2 });
    const reply = await socket.nextPacket();
    expect(reply.error.name).toBe("BrokerError");
    socket.ws.close();
  });
});

describe("upgrade", () => {
  test("a wrong path is refused with 400", async () => {
    expect(await upgradeStatus(scx.port, "/socketcluster", { Origin: "http://allowed.example" })).toBe(400);
    expect(await upgradeStatus(scx.port, "/other/", { Origin: "http://allowed.example" })).toBe(400);
  });

  test("a disallowed origin is refused with 403; an allowed one is upgraded", async () => {
    const strict = await startScx({ origins: ["allowed.example:*"] });
    expect(await upgradeStatus(strict.port, "/socketcluster/", { Origin: "http://evil.example" })).toBe(403);
    expect(await upgradeStatus(strict.port, "/socketcluster/")).toBe(403);
    expect(await upgradeStatus(strict.port, "/socketcluster/", { Origin: "http://allowed.example:3000" })).toBe(101);
    await strict.stop();
  });

  test("a frame over maxPayload closes with 1009 and other sockets carry on", async () => {
    const other = await handshaken(scx.url);
    const socket = await handshaken(scx.url);
    socket.send({ event: "big", data: "x".repeat(4096) });
    expect((await socket.closed).code).toBe(CloseCode.MessageTooBig);
    other.send({ event: "#subscribe", data: { channel: "still" }, cid: 2 });
    expect(await other.nextPacket()).toEqual({ rid: 2 });
    other.ws.close();
  });
});

describe("nesting", () => {
  test("nestsDeeperThan() counts brackets outside strings only", async () => {
    const { nestsDeeperThan, valueNestsDeeperThan } = await import("../src/protocol/nestingDepth.ts");
    expect(nestsDeeperThan("[[[1]]]", 2)).toBe(true);
    expect(nestsDeeperThan("[[[1]]]", 3)).toBe(false);
    expect(nestsDeeperThan('["[[[[", "\\"[[[["]', 2)).toBe(false);
    expect(valueNestsDeeperThan({ a: [[1]] }, 2)).toBe(true);
    expect(valueNestsDeeperThan({ a: [[1]] }, 3)).toBe(false);
  });

  test("a packet nested deeper than 256 levels gets InvalidMessageError; its neighbours in the batch are handled", async () => {
    const socket = await handshaken(scx.url);
    const deep = "[".repeat(300) + "]".repeat(300);
    socket.send(`[{"event":"#subscribe","data":{"channel":"n1"},"cid":2},{"event":"x","data":${deep},"cid":3},{"event":"#subscribe","data":{"channel":"n2"},"cid":4}]`);
    expect(await socket.nextPacket()).toEqual({ rid: 2 });
    const refused = await socket.nextPacket();
    expect([refused.rid, refused.error.name]).toEqual([3, "InvalidMessageError"]);
    expect(await socket.nextPacket()).toEqual({ rid: 4 });
    socket.ws.close();
  });
});
