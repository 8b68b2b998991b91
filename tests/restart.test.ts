/**
 * Restarts without storms: scx's going-away close (1001) carries a reconnect hint,
 * scx/client reconnects within the hinted window (and keeps retrying within it while the
 * server restarts), and a draining server closes its sockets in batches across half of
 * `drainTimeout`. The end-to-end test restarts a real `bun cli.ts serve` under 200 clients.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sc from "socketcluster-client";
import { create, type ClientSocket } from "../src/client/index.ts";
import { ReconnectSchedule, quickRetryFor } from "../src/client/ReconnectSchedule.ts";
import { defaultBackoff } from "../src/client/backoff.ts";
import { drainSockets } from "../src/worker/drainSockets.ts";
import { maxReconnectWindow, parseReconnectHint, reconnectHintReason } from "../src/protocol/reconnectHint.ts";
import { type CliProcess, startCli } from "./helpers/startCli.ts";

const root = join(import.meta.dir, "..");
const cli = join(root, "cli.ts");
const deno = join(root, "node_modules/.bin/deno");

describe("reconnect hint", () => {
  test("parseReconnectHint() reads the window at the end of reconnectHintReason(), and nothing else", () => {
    expect(reconnectHintReason(1000)).toBe("Server going away, reconnect:1000");
    expect(parseReconnectHint(reconnectHintReason(750))).toBe(750);
    expect(parseReconnectHint("reconnect:20")).toBe(20);
    expect(parseReconnectHint(`x, reconnect:${maxReconnectWindow * 10}`)).toBe(maxReconnectWindow);
    for (const reason of ["", "Socket was disconnected", "reconnect:", "reconnect:12ms", "noreconnect:5", undefined]) {
      expect(parseReconnectHint(reason)).toBeNull();
    }
    expect(new TextEncoder().encode(reconnectHintReason(maxReconnectWindow)).length).toBeLessThanOrEqual(123);
  });

  test("ReconnectSchedule.next() draws within the hinted window, retries within it until quickRetryFor, then backs off", () => {
    let now = 0;
    let draw = 0.5;
    const schedule = new ReconnectSchedule(() => defaultBackoff, () => draw, () => now);
    expect(schedule.next(1001, reconnectHintReason(1000))).toBe(500);
    draw = 0.999;
    expect(schedule.next(1006, "")).toBe(999);          // the server is not back yet: still within the window
    now = quickRetryFor + 1;
    draw = 0;
    expect(schedule.next(1006, "")).toBe(Math.round(10000 * 1.5 ** 2)); // hint expired: backoff, attempt 2
    schedule.connected();
    expect(schedule.next(1001, "Socket was disconnected")).toBe(10000);  // no hint: socketcluster's backoff
    schedule.connected();
    expect(schedule.next(4001, "")).toBe(0);
    expect(schedule.next(1000, reconnectHintReason())).toBeNull();
    expect(schedule.next(4500, "")).toBeNull();
  });

  test("ReconnectSchedule.connected() forgets the hint", () => {
    const schedule = new ReconnectSchedule(() => defaultBackoff, () => 0);
    schedule.next(1001, reconnectHintReason(1000));
    schedule.connected();
    expect(schedule.next(1006, "")).toBe(10000);
  });
});

describe("drainSockets()", () => {
  const fakes = (count: number, closes: number[]) =>
    Array.from({ length: count }, () => ({ disconnect: () => void closes.push(performance.now()) }));

  test("drainSockets() closes in batches spread across spreadMs, with the code and reason given", async () => {
    const closes: number[] = [];
    const seen: [number, string][] = [];
    const sockets = fakes(100, closes).map((fake) => ({ disconnect: (code: number, reason: string) => (seen.push([code, reason]), fake.disconnect()) }));
    const start = performance.now();
    await drainSockets(sockets, { code: 1001, reason: "bye", spreadMs: 500 });
    expect(closes.length).toBe(100);
    expect(seen.every(([code, reason]) => code === 1001 && reason === "bye")).toBe(true);
    expect(closes[0]! - start).toBeLessThan(40);                 // the first batch goes at once
    expect(closes.at(-1)! - start).toBeGreaterThan(400);         // the last one near the end of the window
    expect(closes.at(-1)! - start).toBeLessThan(700);
    const instants = new Set(closes.map((time) => Math.floor((time - start) / 25)));
    expect(instants.size).toBeGreaterThanOrEqual(8);             // not one instant
  });

  test("drainSockets() with spreadMs 0 closes everything at once", async () => {
    const closes: number[] = [];
    const done = drainSockets(fakes(10, closes), { code: 1001, reason: "", spreadMs: 0 });
    expect(closes.length).toBe(10);
    await done;
  });
});

describe.each([
  ["Bun", ["bun", cli], "2"],
  ["Deno", [deno, "run", "-A", cli], "2"],
  ["Bun in-process (workers: 0)", ["bun", cli], "0"],
])("restart on %s", (_name, command, workers) => {
  const dir = mkdtempSync(join(tmpdir(), "scx-restart-"));
  const config = join(dir, "scx.yaml");
  writeFileSync(config, `host: 127.0.0.1\nport: 0\nworkers: ${workers}\ndrainTimeout: 2000\nlogLevel: info\nlogFormat: json\n`);
  const processes: CliProcess[] = [];
  const clients: ClientSocket[] = [];
  afterAll(() => {
    for (const client of clients) client.disconnect();
    for (const process of processes) process.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test("200 scx/client clients are back within 3 s of a restarted `scx serve` listening, spread out", async () => {
    const first = await startCli([...command, "serve", config], { cwd: dir });
    processes.push(first);
    const port = first.port;
    const closedAt: number[] = [];
    const reasons = new Set<string>();
    const reconnectedAt: number[] = [];
    let restarted = false;
    let allBack!: () => void;
    const back = new Promise<void>((resolve) => (allBack = resolve));
    const connected = await Promise.all(Array.from({ length: 200 }, () => new Promise<void>((resolve) => {
      const client = create({ hostname: "127.0.0.1", port });   // the default backoff: 10–20 s without the hint
      clients.push(client);
      client.on("disconnect", ({ code, reason }) => {
        closedAt.push(performance.now());
        reasons.add(`${code} ${reason}`);
      });
      client.on("connect", () => {
        if (!restarted) return resolve();
        reconnectedAt.push(performance.now());
        if (reconnectedAt.length === 200) allBack();
      });
    })));
    expect(connected.length).toBe(200);
    // The official client: 1001 is no error there, and the hint is just its reason text.
    const official = sc.create({ hostname: "127.0.0.1", port, autoReconnect: false });
    await official.listener("connect").once();
    const officialErrors: unknown[] = [];
    void (async () => { for await (const { error } of official.listener("error")) officialErrors.push(error); })();
    const officialClosed = official.listener("disconnect").once();

    restarted = true;
    const sigterm = performance.now();
    first.kill("SIGTERM");
    expect(await first.proc.exited).toBe(0);
    const exited = performance.now();
    const second = await startCli([...command, "serve", config], { cwd: dir, env: { SCX_PORT: String(port) } });
    processes.push(second);
    const listening = performance.now();
    expect(second.port).toBe(port);
    await back;
    const { code, reason } = await officialClosed;

    const spread = Math.max(...reconnectedAt) - Math.min(...reconnectedAt);
    const lastBack = Math.max(...reconnectedAt) - listening;
    const closeSpread = Math.max(...closedAt) - Math.min(...closedAt);
    console.log(`restart on ${_name}: closes spread over ${closeSpread.toFixed(0)} ms; old exited ${(exited - sigterm).toFixed(0)} ms after SIGTERM; ` +
      `new listening ${(listening - exited).toFixed(0)} ms later; all 200 back ${lastBack.toFixed(0)} ms after that, reconnects spread over ${spread.toFixed(0)} ms`);
    expect([...reasons]).toEqual([`1001 ${reconnectHintReason()}`]);
    expect(closedAt.length).toBe(200);
    expect(closeSpread).toBeGreaterThan(500);    // batches across half of drainTimeout (1000 ms), not one instant
    expect(lastBack).toBeLessThan(3000);
    expect(spread).toBeGreaterThan(50);
    expect(code).toBe(1001);
    expect(reason).toBe(reconnectHintReason());
    expect(officialErrors).toEqual([]);
    official.disconnect();
  }, 30000);
});
