/**
 * The churn load generator, in its own process: `bun bench/churnLoad.ts '<json args>'`.
 * `clients` connections each subscribe to a fresh channel and unsubscribe from it again,
 * both with a cid (acked), `cycles` times, one operation in flight per client. It prints
 * READY once connected and waits for "go" on stdin (so the driver can read the server's
 * CPU time around the churn alone), then one JSON line.
 */
const args = JSON.parse(process.argv[2] ?? "{}");

interface Conn { ws: WebSocket; invoke(event: string, data?: unknown): Promise<any> }

function open(port: number): Promise<Conn> {
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

const { port, clients, cycles } = args;
const conns: Conn[] = [];
for (let i = 0; i < clients; i += 100) conns.push(...await Promise.all(Array.from({ length: Math.min(100, clients - i) }, () => open(port))));
// A warm-up round first, outside the measured span: what is measured is the steady state,
// not the JIT compiling a bigger server's code once (a constant, whatever the run's length).
await churn(args.warmup ?? 0, "warm");
console.log("READY");
const reader = (Bun.stdin.stream() as ReadableStream<Uint8Array>).getReader();
let text = "";
while (!text.includes("go")) text += new TextDecoder().decode((await reader.read()).value);
async function churn(rounds: number, prefix: string): Promise<number> {
  let errors = 0;
  await Promise.all(conns.map(async (conn, c) => {
    for (let i = 0; i < rounds; i++) {
      const channel = `${prefix}/${c}/${i}`;
      if ((await conn.invoke("#subscribe", { channel })).error) errors++;
      if ((await conn.invoke("#unsubscribe", channel)).error) errors++;
    }
  }));
  return errors;
}
const started = performance.now();
const errors = await churn(cycles, "churn");
const seconds = (performance.now() - started) / 1000;
for (const conn of conns) conn.ws.close();
console.log(JSON.stringify({ cycles: clients * cycles, errors, seconds, perSecond: clients * cycles / seconds }));
process.exit(0);
