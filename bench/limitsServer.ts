/**
 * scx for the limits benchmark, in its own process: `bun bench/limitsServer.ts <workers> <on|off>`.
 * `on` sets an inbound and a namespace publish limit so high they never trigger; `off`
 * sets none. Both have the same `limited/*` namespace. Prints "PORT <n>".
 */
import { createServer } from "../src/index.ts";
import { gcOnStdin } from "./gcOnStdin.ts";

const workers = Number(process.argv[2] ?? 0);
const on = process.argv[3] === "on";
const never = { rate: 1e9, burst: 1e9 };
const server = createServer({
  host: "127.0.0.1", port: 0, workers, logLevel: "error",
  worker: new URL("./benchScript.ts", import.meta.url).pathname,
  socketChannelLimit: null, pingInterval: 30000, pingTimeout: 60000,
  channels: [{ match: "limited/*", ...(on ? { publish: never } : {}) }],
  limits: on ? { inbound: never } : {},
});
await server.start();
console.log(`PORT ${server.port}`);
gcOnStdin();
