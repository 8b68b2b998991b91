/**
 * The load generator, in its own process: `bun bench/loadgen.ts <scenario> '<json args>'`.
 * Speaks the SocketCluster protocol over raw WebSockets and prints one JSON result line.
 */
import { type BenchSocket, inBatches, openBenchSocket } from "./benchSocket.ts";

const [scenario, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs ?? "{}");
const url = (port: number) => `ws://127.0.0.1:${port}/socketcluster/`;

type Conn = BenchSocket;

/** A socket whose publications go to `onPublish`, decoded (the others: replies). */
function open(port: number, onPublish?: (data: any, publication: any) => void): Promise<Conn> {
  return openBenchSocket(port, {
    url: url(port),
    onFrame: (frame) => {
      const text = frame as string;
      if (!onPublish || !text.startsWith('{"event":"#publish"')) return false;
      const publication = JSON.parse(text).data;
      onPublish(publication.data, publication);
      return true;
    },
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function fanout() {
  const { port, subscribers, messages, burst } = args;
  const channel: string = args.channel ?? "fan";
  let received = 0;
  let target = 0;
  let wake: () => void = () => {};
  const subs = await inBatches(subscribers, async () => {
    const conn = await open(port, () => { if (++received >= target) wake(); });
    await conn.invoke("#subscribe", { channel });
    return conn;
  });
  const publisher = await open(port);
  const started = performance.now();
  for (let sent = 0; sent < messages; sent += burst) {
    target = subscribers * Math.min(sent + burst, messages);
    const done = new Promise<void>((resolve) => { wake = resolve; });
    for (let i = sent; i < Math.min(sent + burst, messages); i++) publisher.send({ event: "#publish", data: { channel, data: i } });
    if (received < target) await done;
  }
  const seconds = (performance.now() - started) / 1000;
  for (const conn of [...subs, publisher]) conn.ws.close();
  return { deliveries: received, seconds, perSecond: received / seconds };
}

async function latency() {
  const { port, subscribers, messages } = args;
  const samples: Record<string, number[]> = { same: [], cross: [] };
  let pendingCount = 0;
  let wake: () => void = () => {};
  const publisher = await open(port);
  const publisherWorker = (await publisher.invoke("whoami")).data;
  await inBatches(subscribers, async () => {
    let worker = -1;
    const conn = await open(port, (sentAt: number) => {
      samples[worker === publisherWorker ? "same" : "cross"].push(performance.now() - sentAt);
      if (--pendingCount === 0) wake();
    });
    worker = (await conn.invoke("whoami")).data;
    await conn.invoke("#subscribe", { channel: "lat" });
    return conn;
  });
  for (let i = 0; i < messages; i++) {
    pendingCount = subscribers;
    const done = new Promise<void>((resolve) => { wake = resolve; });
    publisher.send({ event: "#publish", data: { channel: "lat", data: performance.now() } });
    await done;
  }
  const summary = (list: number[]) => {
    const sorted = list.sort((a, b) => a - b);
    return sorted.length ? { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) } : null;
  };
  return { same: summary(samples.same), cross: summary(samples.cross) };
}

async function rpc() {
  const { port, clients, calls } = args;
  const conns = await inBatches(clients, () => open(port));
  const times: number[] = [];
  const started = performance.now();
  await Promise.all(conns.map(async (conn) => {
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      await conn.invoke("echo", i);
      times.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  for (const conn of conns) conn.ws.close();
  return { calls: times.length, perSecond: times.length / seconds, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

async function crossHost() {
  const { subscriberPort, publisherPort, subscribers, messages, burst } = args;
  const channel: string = args.channel ?? "hosts";
  let received = 0;
  let target = 0;
  let wake: () => void = () => {};
  const latencies: number[] = [];
  await inBatches(subscribers, async () => {
    const conn = await open(subscriberPort, (sentAt: number) => {
      latencies.push(performance.now() - sentAt);
      if (++received >= target) wake();
    });
    await conn.invoke("#subscribe", { channel });
    return conn;
  });
  const publisher = await open(publisherPort);
  // Let the subscribing host's broker finish its Redis SUBSCRIBE.
  for (;;) {
    target = subscribers;
    const done = new Promise<void>((resolve) => { wake = resolve; });
    publisher.send({ event: "#publish", data: { channel, data: performance.now() } });
    const ok = await Promise.race([done.then(() => true), Bun.sleep(200).then(() => false)]);
    if (ok) break;
  }
  received = 0;
  latencies.length = 0;
  const started = performance.now();
  for (let sent = 0; sent < messages; sent += burst) {
    target = subscribers * Math.min(sent + burst, messages);
    const done = new Promise<void>((resolve) => { wake = resolve; });
    for (let i = sent; i < Math.min(sent + burst, messages); i++) {
      publisher.send({ event: "#publish", data: { channel, data: performance.now() } });
    }
    if (received < target) await done;
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { deliveries: received, perSecond: received / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

/** Opens `count` subscribed sockets in two halves, saying "ready" after each and waiting for a line on stdin. */
async function idle() {
  const { port, count } = args;
  const conns: Conn[] = [];
  const subscribed = async (i: number) => {
    const conn = await open(port);
    await conn.invoke("#subscribe", { channel: `idle-${i % 100}` });
    return conn;
  };
  for (const half of [0, 1]) {
    conns.push(...await inBatches(count / 2, (i) => subscribed(half * count / 2 + i), 500));
    console.log(JSON.stringify({ ready: conns.length }));
    await new Promise((resolve) => process.stdin.once("data", resolve));
  }
  for (const conn of conns) conn.ws.close();
  return { closed: conns.length };
}

/**
 * Recovery: `clients` subscribe to a history channel, all drop, `missed` publications go
 * out, then all reconnect with `since`; timed from the first reconnect until every client
 * has every missed publication (connects and handshakes included).
 */
async function recovery() {
  const { port, clients, missed } = args;
  const channel: string = args.channel ?? "history/recovery";
  let position = { offset: 0, epoch: "" };
  const first = await inBatches(clients, async () => {
    const conn = await open(port);
    position = (await conn.invoke("#subscribe", { channel })).data;
    return conn;
  });
  await Promise.all(first.map((conn) => new Promise((resolve) => { conn.ws.onclose = resolve; conn.ws.close(); })));
  const publisher = await open(port);
  for (let i = 0; i < missed; i++) await publisher.invoke("#publish", { channel, data: i });
  let received = 0;
  let recovered = 0;
  let wake: () => void = () => {};
  const done = new Promise<void>((resolve) => { wake = resolve; });
  const started = performance.now();
  const again = await inBatches(clients, async () => {
    const conn = await open(port, () => { if (++received === clients * missed) wake(); });
    const reply = await conn.invoke("#subscribe", { channel, since: position });
    if (reply.data?.recovered) recovered++;
    return conn;
  });
  await done;
  const seconds = (performance.now() - started) / 1000;
  for (const conn of [...again, publisher]) conn.ws.close();
  return { clients, missed, recovered, deliveries: received, seconds, perSecond: received / seconds };
}

const scenarios: Record<string, () => Promise<unknown>> = { fanout, latency, rpc, idle, crossHost, recovery };
const result = await scenarios[scenario]();
console.log(JSON.stringify(result));
process.exit(0);
