/**
 * Worker and broker threads: cross-worker pub/sub in order, a worker crash with clients
 * reconnecting by themselves, a broker crash that no client notices.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import sc from "socketcluster-client";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { onBothWorkers } from "./helpers/onBothWorkers.ts";

const script = new URL("./fixtures/worker.ts", import.meta.url).pathname;
const fastReconnect = { initialDelay: 50, randomness: 50, multiplier: 1.5, maxDelay: 300 };

let server: ScxServer;
const clients: any[] = [];

async function connectClients(count: number) {
  const made = [];
  for (let i = 0; i < count; i++) {
    const client = sc.create({ hostname: "127.0.0.1", port: server.port, autoReconnectOptions: fastReconnect, ackTimeout: 3000 });
    clients.push(client);
    made.push(client);
  }
  await Promise.all(made.map((client) => client.listener("connect").once()));
  return made;
}

/** At least `count` clients, with both workers among them (tests/helpers/onBothWorkers.ts). */
async function connectOnBothWorkers(count: number) {
  const { items: group, workers: ids } = await onBothWorkers(count, async () => (await connectClients(1))[0], (client) => client.invoke("whoami"));
  return { group, ids };
}

/** Collect what each client receives on a channel until `expected` items arrived. */
function collect(client: any, channel: string, expected: number) {
  const items: any[] = [];
  const done = new Promise<any[]>((resolve) => {
    client.channel(channel).watch?.(() => {}); // no-op for older typings
    (async () => {
      for await (const data of client.channel(channel)) {
        items.push(data);
        if (items.length === expected) return resolve(items);
      }
    })();
  });
  return { items, done };
}

beforeAll(async () => {
  server = createServer({ host: "127.0.0.1", port: 0, workers: 2, brokers: 2, worker: script, logLevel: "silent" });
  await server.start();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await server.stop();
});

describe("Supervisor with 2 workers and 2 brokers", () => {
  test("40 clients spread over both workers each receive every publication, in order per publisher", async () => {
    const group = await connectClients(40);
    const workerIds = new Set(await Promise.all(group.map((client) => client.invoke("whoami"))));
    expect([...workerIds].sort()).toEqual([0, 1]);
    const perClient = 5;
    const channels = group.map((client) => client.subscribe("everyone"));
    await Promise.all(channels.map((channel: any) => channel.listener("subscribe").once()));
    const received = group.map((client) => collect(client, "everyone", 40 * perClient));
    for (let n = 0; n < perClient; n++) {
      group.forEach((client, i) => client.transmitPublish("everyone", { from: i, n }));
    }
    const all = await Promise.all(received.map((r) => r.done));
    for (const items of all) {
      expect(items.length).toBe(40 * perClient);
      for (let from = 0; from < 40; from++) {
        expect(items.filter((item) => item.from === from).map((item) => item.n)).toEqual([0, 1, 2, 3, 4]);
      }
    }
  });

  test("exchange.publish in one worker's script reaches subscribers on every worker", async () => {
    const { group, ids } = await connectOnBothWorkers(6);
    expect(new Set(ids).size).toBe(2);
    const channels = group.map((client) => client.subscribe("from-server"));
    await Promise.all(channels.map((channel: any) => channel.listener("subscribe").once()));
    const got = Promise.all(channels.map((channel: any) => channel.once()));
    await group[0].invoke("serverPublish", { channel: "from-server", data: "hello all" });
    expect(await got).toEqual(Array(group.length).fill("hello all"));
  });

  test("a crashed worker is restarted; its clients reconnect and resubscribe, the others see no interruption", async () => {
    const { group, ids } = await connectOnBothWorkers(12);
    const victims = group.filter((_, i) => ids[i] === 0);
    const survivors = group.filter((_, i) => ids[i] === 1);
    expect(victims.length).toBeGreaterThan(0);
    expect(survivors.length).toBeGreaterThan(0);
    const channels = group.map((client) => client.subscribe("crash-room"));
    await Promise.all(channels.map((channel: any) => channel.listener("subscribe").once()));
    let survivorDisconnects = 0;
    for (const client of survivors) (async () => { for await (const _ of client.listener("disconnect")) survivorDisconnects++; })();
    const back = Promise.all(victims.map(async (client) => {
      await client.listener("disconnect").once();
      await client.channel("crash-room").listener("subscribe").once();
    }));
    const crashedAt = Date.now();
    await victims[0].invoke("crash");
    await back;
    expect(Date.now() - crashedAt).toBeLessThan(2000);
    const got = Promise.all(group.map((client) => client.channel("crash-room").once()));
    await survivors[0].invokePublish("crash-room", "after the crash");
    expect(await got).toEqual(Array(group.length).fill("after the crash"));
    expect(survivorDisconnects).toBe(0);
  });

  test("a killed broker is restarted with its channel table rebuilt, and no client resubscribes", async () => {
    const group = await connectClients(8);
    const names = Array.from({ length: 8 }, (_, i) => `broker-room-${i}`);
    for (const client of group) for (const name of names) client.subscribe(name);
    await Promise.all(group.flatMap((client) => names.map((name) => client.channel(name).listener("subscribe").once())));
    let resubscribes = 0;
    let disconnects = 0;
    for (const client of group) {
      (async () => { for await (const _ of client.listener("subscribe")) resubscribes++; })();
      (async () => { for await (const _ of client.listener("disconnect")) disconnects++; })();
    }
    const restarted = Promise.all([server.supervisor!.nextStart("broker", 0), server.supervisor!.nextStart("broker", 1)]);
    server.supervisor!.kill("broker", 0);
    server.supervisor!.kill("broker", 1);
    await restarted;
    const got = Promise.all(group.flatMap((client) => names.map((name) => client.channel(name).once())));
    for (const name of names) await group[0].invokePublish(name, `still here ${name}`);
    const values = await got;
    expect(values.length).toBe(group.length * names.length);
    expect(values.every((value) => String(value).startsWith("still here"))).toBe(true);
    expect(resubscribes).toBe(0);
    expect(disconnects).toBe(0);
  });
});

describe("Supervisor crash loops", () => {
  test("a worker that keeps crashing makes the supervisor give up with a clear message", async () => {
    let gaveUp: (message: string) => void = () => {};
    const message = new Promise<string>((resolve) => { gaveUp = resolve; });
    const looping = createServer(
      { host: "127.0.0.1", port: 0, workers: 1, worker: new URL("./fixtures/crashing.ts", import.meta.url).pathname, logLevel: "silent" },
      { onGiveUp: gaveUp, maxRestarts: 2, crashWindow: 60_000 },
    );
    await looping.start();
    expect(await message).toMatch(/^worker 0 crashed 3 times within 60000 ms; giving up$/);
    looping.supervisor!.terminate();
  });
});
