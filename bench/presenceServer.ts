/**
 * scx for the presence benchmarks, in its own process: `bun bench/presenceServer.ts <workers>`.
 * Channels under presence/ keep a member list; under joinleave/ they also send #join and
 * #leave; others are plain. Prints "PORT <n>".
 */
import { createServer } from "../src/index.ts";
import { gcOnStdin } from "./gcOnStdin.ts";

const workers = Number(process.argv[2] ?? 0);
const server = createServer({
  host: "127.0.0.1", port: 0, workers, logLevel: "error",
  socketChannelLimit: null, pingInterval: 30000, pingTimeout: 60000,
  presence: { ttl: 30, listLimit: 20_000 },
  channels: [{ match: "presence/*", presence: true }, { match: "joinleave/*", joinLeave: true }],
});
await server.start();
console.log(`PORT ${server.port}`);
gcOnStdin();
