/**
 * A burst is not a slow consumer: a client that reads gets a burst of publications sent in
 * one go (as a hung Redis releases its backlog on SIGCONT) whole, with no 4011, even when
 * the burst is larger than `limits.outboundBuffer`. On Deno a send is written only once the
 * event-loop turn ends, so the runtime counts a turn's own bytes apart (src/runtime/deno.ts);
 * counted together, a 1.6 MB burst closed a reading client there.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, cpSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { serveCommand, startCli, type CliProcess } from "./helpers/startCli.ts";
import { handshaken } from "./helpers/rawSocket.ts";

const running: CliProcess[] = [];
afterAll(() => { for (const proc of running) proc.kill(); });

/** 6,000 publications of about 270 bytes: 1.6 MB, half as much again as the 1 MiB default limit. */
const count = 6000;
const text = "x".repeat(200);

for (const runtime of ["bun", "deno"] as const) describe(`a burst to a reading client on ${runtime}`, () => {
  test(`a ${count}-publication burst (1.6 MB, over limits.outboundBuffer) reaches a client that reads, whole and in order, with no slow-consumer close (${runtime})`, async () => {
    const dir = mkdtempSync(`${tmpdir()}/scx-burst-`);
    cpSync(new URL("./fixtures/worker.ts", import.meta.url).pathname, `${dir}/worker.ts`);
    writeFileSync(`${dir}/scx.yaml`, "host: 127.0.0.1\nport: 0\nworkers: 1\nworker: worker.ts\nlogFormat: json\n");
    const command = serveCommand(runtime, `${dir}/scx.yaml`);
    const proc = await startCli(command);
    running.push(proc);
    const url = `ws://127.0.0.1:${proc.port}/socketcluster/`;
    const sub = await handshaken(url);
    sub.send({ event: "#subscribe", data: { channel: "burst" }, cid: 2 });
    await sub.nextPacket(10_000);
    const seen: number[] = [];
    let all: () => void = () => {};
    const done = new Promise<void>((resolve) => (all = resolve));
    const closed = new Promise<number>((resolve) => sub.ws.addEventListener("close", (event) => resolve(event.code)));
    sub.ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string" || !event.data.startsWith('{"event":"#publish"')) return;
      seen.push(JSON.parse(event.data).data.data.i);
      if (seen.length === count) all();
    });
    const pub = await handshaken(url);
    pub.send({ event: "burst", data: { channel: "burst", count, text }, cid: 3 });
    const outcome = await Promise.race([done.then(() => "all"), closed.then((code) => `closed ${code}`)]);
    const slowLines = proc.output().split("\n").filter((line) => line.includes('"Socket closed: slow consumer"'));
    expect({ outcome, received: seen.length, slowLines }).toEqual({ outcome: "all", received: count, slowLines: [] });
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
    sub.ws.close();
    pub.ws.close();
  }, 60_000);
});
