/**
 * scx with metrics and the admin hub on, for the metrics scenario: `bun bench/metricsServer.ts <workers>`.
 * api.key set (the main thread sums every thread once a second) and admin.password set
 * (it also publishes the admin stats channel). Prints "PORT <n>".
 */
import { createServer } from "../src/index.ts";
import { benchApiKey } from "./metrics.ts";

const workers = Number(process.argv[2] ?? 0);
const server = createServer({
  host: "127.0.0.1", port: 0, workers, logLevel: "error",
  worker: new URL("./benchScript.ts", import.meta.url).pathname,
  socketChannelLimit: null, pingInterval: 30000, pingTimeout: 60000,
  api: { key: benchApiKey }, admin: { password: "bench-admin-password" },
});
await server.start();
console.log(`PORT ${server.port}`);
