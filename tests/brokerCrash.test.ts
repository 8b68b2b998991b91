/**
 * A broker crash on the memory engine (issue 11 "Show"): the history it owned is gone, so
 * the epoch changes; subscribed clients see publications in the new epoch (offsets from
 * 1 again) and a client recovering with the old epoch gets `recovered: false`, honestly.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { brokerIndex } from "../src/protocol/channelHash.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";

let server: ScxServer;
let url: string;
const channel = "chat/crash";

async function packet(socket: RawSocket, match: (p: any) => boolean): Promise<any> {
  for (;;) {
    const p = await socket.nextPacket(5000);
    if (match(p)) return p;
  }
}

beforeAll(async () => {
  server = createServer({
    host: "127.0.0.1", port: 0, workers: 2, brokers: 2, logLevel: "silent",
    channels: [{ match: "chat/*", history: { size: 100, ttl: 600 } }],
  });
  await server.start();
  url = `ws://127.0.0.1:${server.port}/socketcluster/`;
});
afterAll(() => server.stop());

test("Supervisor.kill(broker): the owner's history is lost, the epoch changes, and since with the old epoch gives recovered:false", async () => {
  const a = await handshaken(url);
  a.send({ event: "#subscribe", data: { channel }, cid: 2 });
  const { data: before } = await packet(a, (p) => p.rid === 2);
  for (let n = 1; n <= 3; n++) await server.exchange.publish(channel, n);
  for (let n = 1; n <= 3; n++) expect((await packet(a, (p) => p.event === "#publish")).data.offset).toBe(n);

  const owner = brokerIndex(channel, 2);
  const restarted = server.supervisor!.nextStart("broker", owner);
  server.supervisor!.kill("broker", owner);
  await restarted;

  // The subscribed client stays subscribed (its worker resynced) and sees the new epoch, from offset 1.
  const after = await server.exchange.publish(channel, "after");
  expect(after.epoch).not.toBe(before.epoch);
  expect(after.offset).toBe(1);
  expect((await packet(a, (p) => p.event === "#publish")).data).toEqual({ channel, data: "after", offset: 1, epoch: after.epoch });

  // A client that was away recovers from the old epoch: it learns that it cannot.
  const b = await handshaken(url);
  b.send({ event: "#subscribe", data: { channel, since: { offset: 3, epoch: before.epoch } }, cid: 2 });
  expect(await packet(b, (p) => p.rid === 2)).toEqual({ rid: 2, data: { offset: 1, epoch: after.epoch, recovered: false } });
  a.ws.close();
  b.ws.close();
}, 20_000);
