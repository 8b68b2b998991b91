/**
 * scx with the server API on, for the API publish benchmark:
 * `bun bench/apiServer.ts <workers>`. Prints "PORT <n>"; the key is apiBenchKey.
 */
import { createServer } from "../src/index.ts";
import { apiBenchKey } from "./apiLoad.ts";

const workers = Number(process.argv[2] ?? 0);
const server = createServer({
  host: "127.0.0.1", port: 0, workers, logLevel: "error", api: { key: apiBenchKey },
  socketChannelLimit: null, pingInterval: 30000, pingTimeout: 60000,
});
await server.start();
console.log(`PORT ${server.port}`);
