/**
 * The churn load generator, in its own process: `bun bench/churnLoad.ts '<json args>'`.
 * `clients` connections each subscribe to a fresh channel and unsubscribe from it again,
 * both with a cid (acked), `cycles` times, one operation in flight per client. It prints
 * READY once connected and waits for "go" on stdin (so the driver can read the server's
 * CPU time around the churn alone), then one JSON line.
 */
import { type BenchSocket, inBatches, openBenchSocket } from "./benchSocket.ts";

const args = JSON.parse(process.argv[2] ?? "{}");
const { port, clients, cycles } = args;
const conns: BenchSocket[] = await inBatches(clients, () => openBenchSocket(port), 100);
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
