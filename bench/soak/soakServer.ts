/**
 * scx for the soak, in its own process: `bun bench/soak/soakServer.ts '<json config>'`.
 * Threads by default (2 workers, 2 brokers), the soak worker script, channels under
 * history/ keep 10,000 publications. Prints "PORT <n>"; on stdin, "kill worker <i>" or
 * "kill broker <i>" kills that thread as a crash would and answers "RESTARTED <role> <i>"
 * once its successor runs; "gc" collects this thread's garbage (twice, a pause between) and
 * answers "GC". Thread deaths are logged (stderr) as "<role> <i> died".
 */
import { createServer } from "../../src/index.ts";

const overrides = JSON.parse(process.argv[2] ?? "{}");
const server = createServer({
  host: "127.0.0.1", port: 0, workers: 2, brokers: 2, logLevel: "error",
  worker: new URL("./soakScript.ts", import.meta.url).pathname,
  socketChannelLimit: null,
  channels: [{ match: "history/*", history: { size: 10_000, ttl: 600 } }],
  ...overrides,
}, { maxRestarts: 1_000_000 });
await server.start();
console.log(`PORT ${server.port}`);

process.stdin.on("data", async (chunk) => {
  for (const line of String(chunk).split("\n")) {
    if (line === "gc") {
      Bun.gc(true);
      await Bun.sleep(200);
      Bun.gc(true);
      console.log("GC");
      continue;
    }
    const match = line.match(/^kill (worker|broker) (\d+)/);
    if (!match || !server.supervisor) continue;
    const [, role, id] = match as unknown as [string, "worker" | "broker", string];
    const restarted = server.supervisor.nextStart(role, Number(id));
    server.supervisor.kill(role, Number(id));
    await restarted;
    console.log(`RESTARTED ${role} ${id}`);
  }
});
