/**
 * Regressions for what fuzzing found: each packet below once threw out of the WebSocket
 * message handler (in a worker thread that kills the thread and every socket on it) or
 * reached sockets that never subscribed.
 */
import { describe, expect, test } from "bun:test";
import { startScx } from "./helpers/startScx.ts";
import { text } from "./helpers/fuzzFrames.ts";
import { maxPayload, nested, pingTopic } from "./helpers/fuzzValues.ts";
import { Wire } from "./helpers/fuzzWire.ts";

describe("fuzz findings", () => {
  test("#subscribe to the empty channel name gets an answer instead of throwing out of the message handler", async () => {
    const scx = await startScx();
    try {
      const wire = await Wire.handshaken(scx.url);
      wire.send({ text: JSON.stringify({ event: "#subscribe", data: { channel: "" }, cid: 2 }) });
      wire.send({ text: JSON.stringify({ event: "#publish", data: { channel: "ok" }, cid: 3 }) });
      await wire.reply(3, 2000);
      expect(wire.replies.get("2")?.length).toBe(1);
      expect(wire.closedWith).toBeNull();
    } finally {
      await scx.stop();
    }
  });

  test("#publish to the ping topic's name reaches only that channel's subscribers", async () => {
    const scx = await startScx();
    try {
      const bystander = await Wire.handshaken(scx.url, true);
      bystander.send({ text: JSON.stringify({ event: "#subscribe", data: { channel: "after" }, cid: 2 }) });
      await bystander.reply(2, 2000);
      const wire = await Wire.handshaken(scx.url);
      wire.send({ text: JSON.stringify({ event: "#subscribe", data: { channel: pingTopic }, cid: 2 }) });
      wire.send({ text: JSON.stringify({ event: "#publish", data: { channel: pingTopic, data: "to everyone" }, cid: 3 }) });
      wire.send({ text: JSON.stringify({ event: "#publish", data: { channel: "after", data: "barrier" }, cid: 4 }) });
      // Publications are delivered in order, so once "barrier" is in, "to everyone" would be too.
      await bystander.frame((frame) => frame.includes("barrier"), 2000);
      expect(bystander.frames.filter((frame) => frame.includes("to everyone"))).toEqual([]);
    } finally {
      await scx.stop();
    }
  });

  test("#publish of data nested 40,000 deep (under the default maxPayload) gets an answer instead of throwing", async () => {
    const scx = await startScx();
    try {
      const wire = await Wire.handshaken(scx.url);
      const depth = 40_000;
      wire.send({ text: `{"event":"#publish","data":{"channel":"deep","data":${"[".repeat(depth)}${"]".repeat(depth)}},"cid":2}` });
      wire.send({ text: JSON.stringify({ event: "#subscribe", data: { channel: "after" }, cid: 3 }) });
      await wire.reply(3, 5000);
      expect(wire.replies.get("2")?.length).toBe(1);
    } finally {
      await scx.stop();
    }
  }, 10_000);

  test("invoke of echo with data nested 40,000 deep gets an error reply instead of an unhandled rejection", async () => {
    const scx = await startScx();
    scx.server.procedure("echo", (data) => data);
    try {
      const wire = await Wire.handshaken(scx.url);
      const depth = 40_000;
      wire.send({ text: `{"event":"echo","data":${"[".repeat(depth)}${"]".repeat(depth)},"cid":2}` });
      wire.send({ text: JSON.stringify({ event: "echo", data: "after", cid: 3 }) });
      expect((await wire.reply(3, 5000)).data).toBe("after");
      expect((await wire.reply(2, 5000)).error).toBeDefined();
    } finally {
      await scx.stop();
    }
  }, 15_000);

  test("a procedure's reply that cannot be encoded (a cycle) becomes an error reply instead of an unhandled rejection", async () => {
    const scx = await startScx();
    scx.server.procedure("cycle", () => {
      const value: Record<string, unknown> = {};
      value.self = value;
      return value;
    });
    try {
      const wire = await Wire.handshaken(scx.url);
      wire.send({ text: JSON.stringify({ event: "cycle", cid: 2 }) });
      expect((await wire.reply(2, 2000)).error).toBeDefined();
    } finally {
      await scx.stop();
    }
  });
});
