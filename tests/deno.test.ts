/**
 * Deno: `deno run -A cli.ts serve` (Deno from npm), driven by socketcluster-client,
 * in-process and with worker threads across workers.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import sc from "socketcluster-client";
import { startCli, type CliProcess } from "./helpers/startCli.ts";
import { onBothWorkers } from "./helpers/onBothWorkers.ts";


const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;
const script = new URL("./fixtures/worker.ts", import.meta.url).pathname;
const running: CliProcess[] = [];
afterAll(() => { for (const proc of running) proc.kill(); });

function config(extra: string): string {
  const dir = mkdtempSync(`${tmpdir()}/scx-deno-`);
  writeFileSync(`${dir}/scx.yaml`, `host: 127.0.0.1\nport: 0\nlogLevel: info\nlogFormat: json\nworker: ${script}\n${extra}`);
  return `${dir}/scx.yaml`;
}

describe("scx on Deno", () => {
  test("deno run -A cli.ts serve answers socketcluster-client (in-process)", async () => {
    const proc = await startCli([deno, "run", "-A", cli, "serve", config("workers: 0\n")]);
    running.push(proc);
    const client = sc.create({ hostname: "127.0.0.1", port: proc.port, autoReconnect: false });
    await client.listener("connect").once();
    const channel = client.subscribe("deno");
    await channel.listener("subscribe").once();
    const got = channel.once();
    await client.invokePublish("deno", "from bun's client");
    expect(await got).toBe("from bun's client");
    expect(await client.invoke("echo", { n: 1 })).toEqual({ n: 1 });
    client.disconnect();
  }, 60_000);

  test("with 2 workers and 2 brokers, publications cross workers", async () => {
    const proc = await startCli([deno, "run", "-A", cli, "serve", config("workers: 2\nbrokers: 2\n")]);
    running.push(proc);
    const { items: clients, workers } = await onBothWorkers(10, async () => {
      const client = sc.create({ hostname: "127.0.0.1", port: proc.port, autoReconnect: false });
      await client.listener("connect").once();
      return client;
    }, (client) => client.invoke("whoami"));
    expect([...new Set(workers)].sort()).toEqual([0, 1]);
    const channels = clients.map((client) => client.subscribe("deno-cross"));
    await Promise.all(channels.map((channel) => channel.listener("subscribe").once()));
    const got = Promise.all(channels.map((channel) => channel.once()));
    await clients[0].invokePublish("deno-cross", "everyone");
    expect(await got).toEqual(Array(clients.length).fill("everyone"));
    for (const client of clients) client.disconnect();
  }, 60_000);
});

describe("deno tasks", () => {
  // deno task runs node_modules/.bin entries as JavaScript, so a task that says `deno` would
  // run the npm package's deno binary as a script ("Invalid or unexpected token ELF"):
  // the tasks say `env deno`, which finds the executable on PATH.
  const root = new URL("..", import.meta.url).pathname;
  for (const [task, args] of [["start", []], ["serve", ["CONFIG"]]] as const) {
    test(`deno task ${task} serves socketcluster-client and stops on SIGTERM`, async () => {
      const file = config("workers: 1\n");
      const proc = await startCli([deno, "task", task, ...args.map(() => file)], {
        cwd: root, env: { SCX_PORT: "0", SCX_HOST: "127.0.0.1", SCX_LOG_FORMAT: "json" },
      });
      running.push(proc);
      expect(proc.output()).not.toContain("Invalid or unexpected token");
      const client = sc.create({ hostname: "127.0.0.1", port: proc.port, autoReconnect: false });
      await client.listener("connect").once();
      expect(client.state).toBe("open");
      client.disconnect();
      proc.kill("SIGTERM");
      expect(await proc.proc.exited).toBe(0);
    }, 60_000);
  }
});

describe("supervision on Deno", () => {
  test("a worker that exits silently (Deno.exit) is found by the heartbeat and restarted; clients come back", async () => {
    const dir = mkdtempSync(`${tmpdir()}/scx-deno-exit-`);
    writeFileSync(`${dir}/scx.yaml`, `host: 127.0.0.1\nport: 0\nlogLevel: info\nlogFormat: json\nworkers: 1\n` +
      `worker: ${new URL("./fixtures/denoExit.ts", import.meta.url).pathname}\n`);
    const proc = await startCli([deno, "run", "-A", cli, "serve", `${dir}/scx.yaml`]);
    running.push(proc);
    const client = sc.create({ hostname: "127.0.0.1", port: proc.port, autoReconnectOptions: { initialDelay: 100, randomness: 100, maxDelay: 500 } });
    await client.listener("connect").once();
    const channel = client.subscribe("after-exit");
    await channel.listener("subscribe").once();
    const back = (async () => {
      await client.listener("disconnect").once();
      await client.listener("connect").once();
      await channel.listener("subscribe").once();
    })();
    expect(await client.invoke("exitNow")).toBe("exiting");
    await back;
    expect(proc.output()).toContain("no heartbeat");
    expect(await client.invoke("whoami")).toBe(0);
    client.disconnect();
  }, 30_000);
});
