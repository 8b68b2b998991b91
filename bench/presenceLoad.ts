/**
 * The presence load generator, in its own process: `bun bench/presenceLoad.ts <join|churn> '<json args>'`.
 * join: `count` connections, then all subscribe to one channel (250 at a time): the
 * subscribe rate, and the connect + subscribe rate; it prints CONNECTED and SUBSCRIBED and
 * waits for "go" on stdin after each, so the driver can read the server's CPU time. churn: `members` subscribers of a
 * joinLeave channel, while `churners` connections subscribe and unsubscribe `cycles`
 * times each: cycles per second, and #join/#leave deliveries per second. One JSON line.
 */
import { type BenchSocket, inBatches, openBenchSocket } from "./benchSocket.ts";

const [scenario, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs ?? "{}");

type Conn = BenchSocket;

/** A socket whose events (#join, #leave: the five characters after `{"event":"`) go to `onEvent`, undecoded. */
function open(port: number, onEvent?: (event: string) => void): Promise<Conn> {
  return openBenchSocket(port, {
    onFrame: (frame) => {
      const text = frame as string;
      if (!text.startsWith('{"event":"#')) return false;
      onEvent?.(text.slice(10, 15));
      return true;
    },
  });
}

/** Resolves on a "go" line on stdin (the driver has read the server's CPU time). */
async function waitForGo(): Promise<void> {
  const reader = (Bun.stdin.stream() as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes("go")) text += new TextDecoder().decode((await reader.read()).value);
  reader.releaseLock();
}

async function join() {
  const { port, count, channel } = args;
  let started = performance.now();
  const conns = await inBatches(count, () => open(port));
  const connectSeconds = (performance.now() - started) / 1000;
  // The driver samples the server's CPU time around the subscribe phase alone.
  console.log("CONNECTED");
  await waitForGo();
  started = performance.now();
  await inBatches(count, async (i) => {
    const reply = await conns[i]!.invoke("#subscribe", { channel });
    if (reply.error) throw new Error(JSON.stringify(reply.error));
  }, args.batch ?? 250);
  const subscribeSeconds = (performance.now() - started) / 1000;
  console.log("SUBSCRIBED");
  await waitForGo();
  const stats = channel.startsWith("presence/") ? (await conns[0]!.invoke("#presenceStats", { channel })).data : null;
  for (const conn of conns) conn.ws.close();
  return {
    count, connectSeconds, subscribeSeconds, stats,
    subscribesPerSecond: count / subscribeSeconds, connectAndSubscribePerSecond: count / (connectSeconds + subscribeSeconds),
  };
}

async function churn() {
  const { port, members, churners, cycles, channel } = args;
  let received = 0;
  const watchers = await inBatches(members, async () => {
    const conn = await open(port, () => { received++; });
    await conn.invoke("#subscribe", { channel });
    return conn;
  });
  await Bun.sleep(200);
  received = 0;
  const movers = await inBatches(churners, () => open(port));
  const started = performance.now();
  await Promise.all(movers.map(async (conn) => {
    for (let i = 0; i < cycles; i++) {
      await conn.invoke("#subscribe", { channel });
      await conn.invoke("#unsubscribe", channel);
    }
  }));
  const cycleSeconds = (performance.now() - started) / 1000;
  const expected = members * churners * cycles * 2;
  const until = Date.now() + 30_000;
  while (received < expected && Date.now() < until) await Bun.sleep(5);
  const deliverySeconds = (performance.now() - started) / 1000;
  for (const conn of [...watchers, ...movers]) conn.ws.close();
  return {
    members, cycles: churners * cycles, cyclesPerSecond: churners * cycles / cycleSeconds,
    events: received, expected, eventsPerSecond: received / deliverySeconds,
  };
}

const run = scenario === "join" ? join : churn;
console.log(JSON.stringify(await run()));
process.exit(0);
