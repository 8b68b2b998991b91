/**
 * Publications racing the subscribe (issue 11 "Show"): a publisher at a steady rate while
 * 100 clients drop and reconnect with `since`; every client ends with 1, 2, …, N: no gap,
 * no duplicate. With 2 worker threads and 2 brokers, and in-process.
 */
import { describe, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import { RecoveringClient } from "./helpers/recoveringClient.ts";

const channels = [{ match: "race/*", history: { size: 1000, ttl: 600 } }];

for (const workers of [0, 2]) {
  describe(`recovery race (${workers ? "2 worker threads" : "in-process"}, 2 brokers)`, () => {
    test("RecoveringClient: 100 clients reconnecting with since while a publisher runs each get every offset once, in order", async () => {
      const server = createServer({ host: "127.0.0.1", port: 0, workers, brokers: 2, logLevel: "silent", channels });
      await server.start();
      const url = `ws://127.0.0.1:${server.port}/socketcluster/`;
      const channel = `race/${workers}`;
      const clients = Array.from({ length: 100 }, () => new RecoveringClient(url, channel));
      try {
        await Promise.all(clients.map((client) => client.connect()));
        let published = 0;
        let publishing = true;
        // A steady publisher: one publication every 2 ms, awaited so offsets are known.
        const publisher = (async () => {
          while (publishing) {
            await server.exchange.publish(channel, { n: ++published });
            await Bun.sleep(2);
          }
        })();
        // Each client drops twice, at spread-out times, and comes back with since.
        await Promise.all(clients.map(async (client, i) => {
          for (let round = 0; round < 2; round++) {
            await Bun.sleep(20 + ((i * 37 + round * 101) % 400));
            await client.disconnect();
            await Bun.sleep((i * 13) % 50);
            await client.connect();
          }
        }));
        await Bun.sleep(50);
        publishing = false;
        await publisher;
        await Promise.all(clients.map((client) => client.reached(published)));
        await Bun.sleep(100); // anything extra (a duplicate) would arrive by now
        expect(published).toBeGreaterThan(50);
        for (const client of clients) {
          expect(client.breaks()).toEqual([]);
          expect(client.offsets.length).toBe(published);
          expect(client.recovered).toEqual([true, true]);
        }
      } finally {
        await Promise.all(clients.map((client) => client.disconnect()));
        await server.stop();
      }
    }, 30_000);
  });
}
