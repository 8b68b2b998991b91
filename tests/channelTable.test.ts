/**
 * The worker's catch-up merge (src/worker/channels.ts), driven by hand: the broker's read
 * and the live stream arrive in either order (as with Redis, where pub/sub and the read
 * travel on different connections), and each socket still gets every offset once, in
 * order, after its #subscribe reply. The memory engine never reorders them, so only this
 * test reaches the "read ahead of the live stream" path deterministically.
 */
import { expect, test } from "bun:test";
import { ChannelTable } from "../src/worker/channels.ts";
import type { BrokerToWorker } from "../src/threads/messages.ts";
import type { Publication } from "../src/protocol/publication.ts";
import { jsonCodec } from "../src/protocol/codec.ts";

const epoch = "e1";
const pub = (offset: number): Publication => ({ ch: "chat/1", json: String(offset), offset, epoch });

function setup() {
  const topics = new Map<string, Set<FakeSocket>>();
  let answer: (ack: BrokerToWorker) => void = () => {};
  const host = {
    codec: jsonCodec,
    middlewares: { outbound: [] },
    links: {
      request: () => new Promise<BrokerToWorker>((resolve) => { answer = resolve; }),
      post: () => {},
    },
    serveHandle: () => ({
      port: 0, stop: async () => {},
      publish: (topic: string, text: string) => { for (const socket of topics.get(topic) ?? []) socket.frames.push(text); },
    }),
  };
  class FakeSocket {
    state = "open";
    channels = new Set<string>();
    frames: string[] = [];
    send(text: string) { this.frames.push(text); }
    connection = {
      subscribe: (topic: string) => { if (!topics.has(topic)) topics.set(topic, new Set()); topics.get(topic)!.add(this); },
      unsubscribe: (topic: string) => { topics.get(topic)?.delete(this); },
    };
    /** What the socket saw: "reply" then the offsets. */
    seen() { return this.frames.map((f) => f.startsWith("reply") ? f : JSON.parse(f).data.offset); }
  }
  const table = new ChannelTable(host as never, [{ match: "chat/*", history: { size: 100, ttl: 600 }, latest: false }]);
  return { table, socket: new FakeSocket(), answer: (ack: BrokerToWorker) => answer(ack) };
}

async function subscribe(table: ChannelTable, socket: any, since: { offset: number; epoch: string } | null = { offset: 0, epoch }) {
  return table.subscribe(socket, "chat/1", { since: since ?? undefined, reply: (data) => socket.frames.push(`reply ${JSON.stringify(data)}`), fail: (e) => { throw e; } });
}

test("ChannelTable: a read ahead of the live stream is sent at once; the live copies of it are skipped; the socket joins when the stream catches up", async () => {
  const { table, socket, answer } = setup();
  const done = subscribe(table, socket);
  table.receive(pub(1));
  table.receive(pub(2));
  answer({ t: "subAck", ch: "chat/1", id: 1, position: { offset: 5, epoch }, pubs: [1, 2, 3, 4, 5].map(pub), complete: true });
  await done;
  expect(socket.seen()).toEqual([`reply {"offset":5,"epoch":"e1","recovered":true}`, 1, 2, 3, 4, 5]);
  for (const n of [3, 4, 5, 6, 7]) table.receive(pub(n));
  expect(socket.seen().slice(1)).toEqual([1, 2, 3, 4, 5, 6, 7]);
});

test("ChannelTable: live publications past the read arrive buffered after it, then the socket is on the native topic", async () => {
  const { table, socket, answer } = setup();
  const done = subscribe(table, socket);
  for (const n of [1, 2, 3, 4]) table.receive(pub(n));
  answer({ t: "subAck", ch: "chat/1", id: 1, position: { offset: 2, epoch }, pubs: [pub(1), pub(2)], complete: true });
  await done;
  expect(socket.seen()).toEqual([`reply {"offset":2,"epoch":"e1","recovered":true}`, 1, 2, 3, 4]);
  table.receive(pub(5));
  expect(socket.seen().slice(1)).toEqual([1, 2, 3, 4, 5]);
});

test("ChannelTable: a live publication this worker already delivered (same epoch) is dropped; a new epoch starts over", async () => {
  const { table, socket, answer } = setup();
  const done = subscribe(table, socket, null);
  answer({ t: "subAck", ch: "chat/1", id: 1, position: { offset: 0, epoch }, pubs: [], complete: false });
  await done;
  for (const n of [1, 2, 2, 1, 3]) table.receive(pub(n));
  table.receive({ ch: "chat/1", json: "1", offset: 1, epoch: "e2" });
  expect(socket.seen()).toEqual([`reply {"offset":0,"epoch":"e1"}`, 1, 2, 3, 1]);
});
