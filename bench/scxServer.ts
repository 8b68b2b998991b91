/**
 * scx for the benchmarks, in its own process: `bun bench/scxServer.ts <workers> [redisUrl] [brokers]`.
 * Prints "PORT <n>"; "gc" on stdin forces a collection (for memory figures).
 */
import { createServer } from "../src/index.ts";
import { gcOnStdin } from "./gcOnStdin.ts";

const workers = Number(process.argv[2] ?? 0);
const redis = process.argv[3] || undefined;
const brokers = Number(process.argv[4] ?? 1);
const server = createServer({
  host: "127.0.0.1", port: 0, workers, brokers, logLevel: "error",
  worker: new URL("./benchScript.ts", import.meta.url).pathname,
  socketChannelLimit: null, pingInterval: 30000, pingTimeout: 60000,
  cluster: redis ? { engine: "redis", urls: [redis], prefix: "bench:" } : undefined,
  // Channels under history/ keep 100 publications (the history scenarios); others are ephemeral.
  channels: [{ match: "history/*", history: { size: 100, ttl: 600 } }],
});
await server.start();
console.log(`PORT ${server.port}`);
gcOnStdin();
