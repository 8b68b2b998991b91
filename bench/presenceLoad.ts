/**
 * The presence load generator, in its own process: `bun bench/presenceLoad.ts <join|churn> '<json args>'`.
 * join: `count` connections, then all subscribe to one channel (250 at a time): the
 * subscribe rate, and the connect + subscribe rate; it prints CONNECTED and SUBSCRIBED and
 * waits for "go" on stdin after each, so the driver can read the server's CPU time. churn: `members` subscribers of a
 * joinLeave channel, while `churners` connections subscribe and unsubscribe `cycles`
 * times each: cycles per second, and #join/#leave deliveries per second. One JSON line.
 */
const [scenario, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs ?? "{}");

interface Conn { ws: WebSocket; invoke(event: string, data?: unknown): Promise<any> }

function open(port: number, onEvent?: (event: string) => void): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socketcluster/`);
    let cid = 0;
    const pending = new Map<number, (reply: any) => void>();
    const conn: Conn = {
      ws,
      invoke: (event, data) => new Promise((done) => {
        const id = ++cid;
        pending.set(id, done);
        ws.send(JSON.stringify({ event, data, cid: id }));
      }),
    };
    ws.onmessage = (message) => {
      const text = message.data as string;
      if (text === "") return ws.send("");
      if (text.startsWith('{"event":"#')) return onEvent?.(text.slice(10, 15));
      const packet = JSON.parse(text);
      if (typeof packet.rid === "number") {
        pending.get(packet.rid)?.(packet);
        pending.delete(packet.rid);
      }
    };
    ws.onerror = () => reject(new Error("connect failed"));
    ws.onopen = async () => {
      await conn.invoke("#handshake", { authToken: null });
      resolve(conn);
    };
  });
}

async function inBatches<T>(count: number, make: (i: number) => Promise<T>, batch = 250): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) out.push(...await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => make(i + j))));
  return out;
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
