/**
 * scx as a library in a Bun app: `bun examples/library/server.ts`.
 * A counter that every client can increment; everyone sees the new value.
 */
import { createServer } from "scx";

const server = createServer({ port: Number(process.env.PORT ?? 8000), logLevel: "warn" });
let count = 0;

server.procedure("increment", (by: unknown) => {
  if (typeof by !== "number" || !Number.isInteger(by)) throw new TypeError("Send an integer");
  count += by;
  server.exchange.publish("count", count);
  return count;
});
server.procedure("count", () => count);
server.on("connection", (socket) => socket.transmit("hello", { id: socket.id, count }));

await server.start();
console.log(`listening on ${server.port}`);

process.on("SIGTERM", async () => {
  await server.stop();
  process.exit(0);
});
