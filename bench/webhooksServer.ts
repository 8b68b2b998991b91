/**
 * scx for the webhooks benchmark, in its own process:
 * `bun bench/webhooksServer.ts <workers> <receiver URL | off>`. With a URL, a webhook
 * target takes every channel event (subscribe, unsubscribe, channel_occupied,
 * channel_vacated) and posts them there; `off` configures none. Prints "PORT <n>".
 */
import { createServer } from "../src/index.ts";
import { gcOnStdin } from "./gcOnStdin.ts";

const workers = Number(process.argv[2] ?? 0);
const url = process.argv[3] ?? "off";
const server = createServer({
  host: "127.0.0.1", port: 0, workers, logLevel: "error",
  worker: new URL("./benchScript.ts", import.meta.url).pathname,
  socketChannelLimit: null, pingInterval: 30000, pingTimeout: 60000,
  webhooks: url === "off" ? [] : [{
    url, secret: "bench-webhook-secret", events: ["subscribe", "unsubscribe", "channel_occupied", "channel_vacated"], vacateDelay: 0,
  }],
});
await server.start();
console.log(`PORT ${server.port}`);
gcOnStdin();
