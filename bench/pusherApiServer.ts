/**
 * scx with the server API and a Pusher app, for the Pusher HTTP API publish benchmark:
 * `bun bench/pusherApiServer.ts <workers>`. Prints "PORT <n>".
 */
import { createServer } from "../src/index.ts";
import { apiBenchKey } from "./apiLoad.ts";
import { pusherBenchApp } from "./pusherApiLoad.ts";

const workers = Number(process.argv[2] ?? 0);
const server = createServer({
  host: "127.0.0.1", port: 0, workers, logLevel: "error", api: { key: apiBenchKey }, pusher: { apps: [pusherBenchApp] },
  socketChannelLimit: null, pingInterval: 30000, pingTimeout: 60000,
});
await server.start();
console.log(`PORT ${server.port}`);
