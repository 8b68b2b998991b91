/**
 * The Pusher protocol on Deno (`deno run -A cli.ts serve`, 2 worker threads): pusher-js
 * connects, a SocketCluster client's publication reaches it as a Pusher event and its
 * client event reaches the SocketCluster client, presence by user, no echo to the sender,
 * a forged signature refused, an unknown key told 4001.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { connected } from "./helpers/scClient.ts";
import { connectedClient, once, pusherApp, pusherClient, record, startAuthEndpoint, subscribed } from "./helpers/pusherClient.ts";

const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;
const running: CliProcess[] = [];
const clients: any[] = [];
const auth = startAuthEndpoint();
afterAll(() => {
  for (const c of clients) c.disconnect();
  for (const proc of running) proc.kill();
  auth.stop();
});

test("PusherSessions on Deno with 2 workers: pusher-js and socketcluster-client share channels, presence, client events, refusals", async () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-deno-pusher-`);
  writeFileSync(`${dir}/scx.yaml`, [
    "host: 127.0.0.1", "port: 0", "workers: 2", "logFormat: json", "pusher:", "  apps:",
    `    - id: "${pusherApp.id}"`, `      key: ${pusherApp.key}`, `      secret: ${pusherApp.secret}`, "      clientEvents: true", "",
  ].join("\n"));
  const proc = await startCli([deno, "run", "-A", cli, "serve", `${dir}/scx.yaml`]);
  running.push(proc);
  const port = proc.port;

  const ann = await connectedClient(port, auth, { presence: { user_id: "ann" } });
  clients.push(ann);
  expect(ann.connection.socket_id).toMatch(/^\d+\.\d+$/);
  const { channel: annRoom } = await subscribed(ann, "presence-deno");
  const added = record(annRoom, "pusher:member_added");
  const bob = await connectedClient(port, auth, { presence: { user_id: "bob" } });
  clients.push(bob);
  const { channel: bobRoom, data: members } = await subscribed(bob, "presence-deno");
  expect(members.count).toBe(2);
  expect((await added.until(1)).map((m: any) => m.id)).toEqual(["bob"]);

  // Client events: bob answers ann's; ann's own never comes back to her (it would precede the answer).
  const annTyping = record(annRoom, "client-typing");
  const answers = record(annRoom, "client-answer");
  bobRoom.bind("client-typing", () => bobRoom.trigger("client-answer", { ok: 1 }));
  annRoom.trigger("client-typing", { t: 1 });
  expect(await answers.until(1)).toEqual([{ data: { ok: 1 }, metadata: { user_id: "bob" } }]);
  expect(annTyping.seen).toEqual([]);

  // One channel space with a SocketCluster client.
  const { client: sc } = await connected(port);
  try {
    const scChannel = sc.subscribe("private-deno");
    await scChannel.listener("subscribe").once();
    const { channel } = await subscribed(ann, "private-deno");
    const updates = record(channel, "update");
    sc.transmitPublish("private-deno", { event: "update", data: { from: "sc" } });
    expect(await updates.until(1)).toEqual([{ from: "sc" }]);
    const atSc = (async () => { for await (const data of scChannel) if ((data as any).event === "client-hi") return data; })();
    channel.trigger("client-hi", { from: "pusher" });
    expect(await atSc).toEqual({ event: "client-hi", data: { from: "pusher" } });
  } finally {
    sc.disconnect();
  }

  const forger = await connectedClient(port, auth, { forge: true });
  clients.push(forger);
  const error = await once(forger.subscribe("private-deno"), "pusher:subscription_error");
  expect(error).toMatchObject({ type: "AuthError", status: 401 });

  const stranger = pusherClient(port, auth, { key: "wrong-key" });
  clients.push(stranger);
  expect((await once(stranger.connection, "error")).error.data.code).toBe(4001);
}, 90_000);
