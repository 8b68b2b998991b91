/**
 * scx for the codec and contracts benchmarks: `bun bench/codecServer.ts <workers> <codec> [contracts]`.
 * `contracts` = "contracts" validates publications on bench/* with a small object schema.
 * Prints "PORT <n>".
 */
import { createServer } from "../src/index.ts";

const workers = Number(process.argv[2] ?? 0);
const codec = (process.argv[3] ?? "json") as "json" | "msgpack" | "sc-codec-min-bin";
const contracts = process.argv[4] === "contracts" ? new URL("./codecContracts.ts", import.meta.url).pathname : null;
const server = createServer({
  host: "127.0.0.1", port: 0, workers, logLevel: "error", codec, contracts,
  socketChannelLimit: null, pingInterval: 30000, pingTimeout: 60000,
});
await server.start();
console.log(`PORT ${server.port}`);
