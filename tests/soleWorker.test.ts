/**
 * A host's sole worker (issue 10, churn): with one socket worker and the memory engine,
 * its brokers send it every publication, subscribed or not, so a #subscribe of a plain
 * channel is answered without waiting for a broker round trip (src/config/soleWorkerId.ts).
 * What must still hold: whatever is published after the answer, from any thread, reaches
 * the subscriber. Real brokers and links; real servers and sockets.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { Broker } from "../src/broker/Broker.ts";
import { localLinkPair } from "../src/threads/localLink.ts";
import type { BrokerToWorker, WorkerToBroker } from "../src/threads/messages.ts";
import { soleWorkerId } from "../src/config/soleWorkerId.ts";
import { defaultConfig } from "../src/config/schema.ts";
import { createServer } from "../src/index.ts";
import { publishOnEveryReply } from "./fixtures/soleWorkerRace.ts";
import { serveCommand, startCli } from "./helpers/startCli.ts";

describe("soleWorkerId()", () => {
  test("0 for one worker (in-process or one thread) on the memory engine; null with more workers, Redis, or workers unresolved", () => {
    const config = defaultConfig();
    const redis = { ...config.cluster, engine: "redis" as const };
    expect([0, 1].map((workers) => soleWorkerId({ workers, cluster: config.cluster }))).toEqual([0, 0]);
    expect(soleWorkerId({ workers: 2, cluster: config.cluster })).toBeNull();
    expect(soleWorkerId({ workers: 1, cluster: redis })).toBeNull();
    expect(soleWorkerId({ workers: null, cluster: config.cluster })).toBeNull();
  });
});

/** A real Broker with worker 0 and the main thread (-1) on in-process links; what each receives. */
function brokerWith(soleWorker: number | null) {
  const broker = new Broker({ soleWorker });
  const got = new Map<number, string[]>([[0, []], [-1, []]]);
  const links = new Map<number, (message: WorkerToBroker) => void>();
  for (const id of [0, -1]) {
    const [workerSide, brokerSide] = localLinkPair<BrokerToWorker, WorkerToBroker>();
    workerSide.onMessage((message) => { if (message.t === "pub") got.get(id)!.push(`${message.ch}:${message.json}`); });
    broker.attachWorker(id, brokerSide);
    links.set(id, (message) => workerSide.post(message));
  }
  return { got, post: (id: number, message: WorkerToBroker) => links.get(id)!(message) };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Broker with a sole worker", () => {
  test("the sole worker gets every publication; the main thread only what it subscribed to", async () => {
    const { got, post } = brokerWith(0);
    post(-1, { t: "pub", ch: "nobody", json: "1" });
    post(-1, { t: "sub", ch: "main" });
    await turn();
    post(0, { t: "pub", ch: "main", json: "2" });
    await turn();
    expect(got.get(0)).toEqual(["nobody:1", "main:2"]);
    expect(got.get(-1)).toEqual(["main:2"]);
  });

  test("without one, publications go only to the workers subscribed", async () => {
    const { got, post } = brokerWith(null);
    post(-1, { t: "pub", ch: "nobody", json: "1" });
    post(0, { t: "sub", ch: "w0" });
    await turn();
    post(-1, { t: "pub", ch: "w0", json: "2" });
    await turn();
    expect(got.get(0)).toEqual(["w0:2"]);
    expect(got.get(-1)).toEqual([]);
  });
});

describe("a sole worker thread answers #subscribe at once, and nothing published after the answer is missed", () => {
  test("library (Bun), workers: 1: server.exchange publishes from the main thread on each reply", async () => {
    const server = createServer({ host: "127.0.0.1", port: 0, workers: 1, brokers: 2, logLevel: "error", socketChannelLimit: null });
    await server.start();
    try {
      const url = `ws://127.0.0.1:${server.port}/socketcluster/`;
      let missed = 0;
      for (let round = 0; round < 3; round++) missed += await publishOnEveryReply(url, (channel) => void server.exchange.publish(channel, "after"));
      expect(missed).toBe(0);
    } finally {
      await server.stop();
    }
  }, 60_000);

  test("library (Deno), workers: 1: the same, in a Deno process", async () => {
    const proc = Bun.spawn([new URL("../node_modules/.bin/deno", import.meta.url).pathname, "run", "-A", new URL("./fixtures/soleWorkerRace.ts", import.meta.url).pathname], { stdout: "pipe", stderr: "inherit" });
    const output = await new Response(proc.stdout).text();
    expect(await proc.exited).toBe(0);
    expect(JSON.parse(output.trim().split("\n").at(-1)!)).toEqual({ missed: 0, sockets: 900 });
  }, 60_000);

  // The whole path on each runtime. Only Bun's library test above has been seen to catch a
  // broker routing by subscription (it missed publications in every run); on Deno and over
  // HTTP the publish comes too late to overtake the worker's sub, so these check the outcome.
  for (const runtime of ["bun", "deno"] as const) {
    test(`the binary on ${runtime}, workers: 1: POST /api/publish on each reply`, async () => {
      const dir = mkdtempSync(`${tmpdir()}/scx-sole-`);
      writeFileSync(`${dir}/scx.yaml`, "host: 127.0.0.1\nport: 0\nworkers: 1\nsocketChannelLimit: null\nlogFormat: json\napi:\n  key: sole-worker-test-key\n");
      const proc = await startCli(serveCommand(runtime, `${dir}/scx.yaml`));
      try {
        const base = `http://127.0.0.1:${proc.port}`;
        const failures: string[] = [];
        const missed = await publishOnEveryReply(`ws://127.0.0.1:${proc.port}/socketcluster/`, (channel) => {
          void fetch(`${base}/api/publish`, {
            method: "POST", headers: { authorization: "apikey sole-worker-test-key", "content-type": "application/json" },
            body: JSON.stringify({ channel, data: "after" }),
          }).then((response) => { if (!response.ok) failures.push(`${response.status}`); }, (error) => failures.push(String(error)));
        }, 200);
        expect({ missed, failures }).toEqual({ missed: 0, failures: [] });
      } finally {
        proc.kill();
      }
    }, 60_000);
  }
});
