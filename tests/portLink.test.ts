/**
 * The worker↔broker link over a real MessageChannel (src/threads/portLink.ts): with
 * `json` (Bun) a turn's messages cross as one JSON string, in order; a batch JSON cannot
 * carry (a BigInt in a member's info) still arrives whole, by structured clone; text that
 * is only data stays byte for byte what was sent. Without it (Deno), the same by clone.
 */
import { describe, expect, test } from "bun:test";
import { portLink } from "../src/threads/portLink.ts";

function pair(json = true) {
  const channel = new MessageChannel();
  const a = portLink<unknown, unknown>(channel.port1, { json });
  const b = portLink<unknown, unknown>(channel.port2, { json });
  const received: unknown[] = [];
  let wake = () => {};
  b.onMessage((message) => {
    received.push(message);
    wake();
  });
  const until = (n: number) => new Promise<void>((resolve) => {
    wake = () => { if (received.length >= n) resolve(); };
    wake();
  });
  return { a, b, received, until, close: () => { a.close(); b.close(); } };
}

describe("portLink", () => {
  test("messages of one turn arrive in order, as sent, with their JSON text untouched", async () => {
    const link = pair();
    const json = JSON.stringify({ text: "Zoë \u2028 \"quoted\" \\ 𝄞", n: [1, 2.5, -0] });
    link.a.post({ t: "sub", ch: "chat/1" });
    link.a.post({ t: "pub", ch: "chat/1", json, at: 123 });
    link.a.post({ t: "unsub", ch: "chat/1" });
    await link.until(3);
    expect(link.received).toEqual([{ t: "sub", ch: "chat/1" }, { t: "pub", ch: "chat/1", json, at: 123 }, { t: "unsub", ch: "chat/1" }]);
    expect((link.received[1] as { json: string }).json).toBe(json);
    link.close();
  });

  test("a batch JSON cannot encode falls back to the structured clone, and nothing in it is lost", async () => {
    const link = pair();
    link.a.post({ t: "sub", ch: "room/1", member: { client: "c1", user: "u1", info: { big: 12345678901234567890n } } });
    link.a.post({ t: "unsub", ch: "room/2" });
    await link.until(2);
    expect(link.received).toEqual([
      { t: "sub", ch: "room/1", member: { client: "c1", user: "u1", info: { big: 12345678901234567890n } } },
      { t: "unsub", ch: "room/2" },
    ]);
    link.close();
  });

  test("without json (Deno's setting) the same messages arrive the same, by structured clone", async () => {
    const link = pair(false);
    link.a.post({ t: "sub", ch: "chat/1" });
    link.a.post({ t: "pub", ch: "chat/1", json: '"hi"', at: 7 });
    await link.until(2);
    expect(link.received).toEqual([{ t: "sub", ch: "chat/1" }, { t: "pub", ch: "chat/1", json: '"hi"', at: 7 }]);
    link.close();
  });
});
