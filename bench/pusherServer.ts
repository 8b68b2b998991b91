/**
 * scx for the Pusher benchmark, in its own process: `bun bench/pusherServer.ts <workers>`.
 * One Pusher app (key `bench-key`) beside the SocketCluster path. Prints "PORT <n>".
 */
import { createServer } from "../src/index.ts";
import { gcOnStdin } from "./gcOnStdin.ts";

const workers = Number(process.argv[2] ?? 0);
const server = createServer({
  host: "127.0.0.1", port: 0, workers, logLevel: "error",
  socketChannelLimit: null, pingInterval: 30000, pingTimeout: 60000,
  pusher: { apps: [{ id: "1", key: "bench-key", secret: "bench-secret-0", clientEvents: true }] },
});
await server.start();
console.log(`PORT ${server.port}`);
gcOnStdin();
