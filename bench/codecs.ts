/**
 * The codecs and contracts scenario of `npm run bench` (issue 15): bytes per #publish frame
 * and fan-out deliveries per server CPU-second for json, msgpack and sc-codec-min-bin on the
 * same payloads (small, and large structured), against a codec ceiling (Bun.serve
 * forwarding json or msgpack frames as they came) in the same rounds, and the cost of validating publications
 * with a small object schema (contracts) against none.
 *
 * @example
 * await codecsScenario(rows, results); // from bench/run.ts
 */
import { cpuSeconds, pinnedTo, startServer } from "./processes.ts";

interface Row { scenario: string; target: string; figure: string; cpu?: string; note?: string }

async function load(args: Record<string, unknown>): Promise<any> {
  const proc = Bun.spawn([...pinnedTo(1), process.execPath, new URL("./codecLoad.ts", import.meta.url).pathname, JSON.stringify(args)], { stdout: "pipe", stderr: "inherit" });
  const text = await new Response(proc.stdout as ReadableStream).text();
  await proc.exited;
  return JSON.parse(text.trim().split("\n").pop()!);
}

async function measure(codec: string, args: Record<string, unknown>, contracts = false, ceiling = false) {
  // Pinned like the churn scenario: the server on core 0, the load generator on core 1.
  const server = ceiling ? await startServer("codecCeilingServer.ts", [codec], { pin: 0 })
    : await startServer("codecServer.ts", ["0", codec, ...(contracts ? ["contracts"] : [])], { pin: 0 });
  const before = cpuSeconds(server.pid);
  const result = await load({ port: server.port, codec, ...args });
  const serverCpu = cpuSeconds(server.pid) - before;
  await server.stop();
  return { result, serverCpu, perCpu: result.deliveries / Math.max(serverCpu, 0.01) };
}

type Run = Awaited<ReturnType<typeof measure>>;

/**
 * Median of three by deliveries per server CPU-second, the variants interleaved run by run
 * (a, b, c, a, b, c, ...) so that other work on the 2 cores weighs on each alike.
 */
async function interleaved(variants: Array<{ codec: string; contracts?: boolean; ceiling?: boolean }>, args: Record<string, unknown>): Promise<Run[]> {
  const runs: Run[][] = variants.map(() => []);
  for (let i = 0; i < 3; i++) {
    for (const [v, variant] of variants.entries()) runs[v]!.push(await measure(variant.codec, args, variant.contracts, variant.ceiling));
  }
  return runs.map((list) => list.sort((a, b) => a.perCpu - b.perCpu)[1]!);
}

const int = (n: number) => Math.round(n).toLocaleString();

export async function codecsScenario(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const base = { subscribers: 1000, burst: 50 };
  for (const kind of ["small", "large", "xlarge"] as const) {
    // Bursts small enough that a burst of large frames fits the subscribers' socket buffers:
    // otherwise what is measured is uWebSockets' backpressure copies while the (slower,
    // shared-core) load generator catches up, not the cost of delivering a frame.
    const burst = { small: 50, large: 10, xlarge: 1 }[kind];
    const args = { ...base, burst, payload: kind, messages: { small: 2000, large: 500, xlarge: 200 }[kind], channel: kind === "small" ? "bench/fan" : "large/fan" };
    const codecs = ["json", "msgpack", "sc-codec-min-bin"];
    // The same rounds also run the codec ceiling (Bun.serve forwarding frames as they came)
    // in json and msgpack: what Bun itself gains from the smaller binary frames.
    const all = await interleaved([...codecs.map((codec) => ({ codec })), { codec: "json", ceiling: true }, { codec: "msgpack", ceiling: true }], args);
    const measured = all.slice(0, 3);
    const [ceilingJson, ceilingMsgpack] = all.slice(3) as [Run, Run];
    const bunRatio = ceilingMsgpack.perCpu / ceilingJson.perCpu;
    for (const [codec, run] of [["json", ceilingJson], ["msgpack", ceilingMsgpack]] as const) {
      rows.push({
        scenario: `fan-out 1000 subs, ${kind} payload, codec ceiling (median of 3)`, target: `Bun.serve forwarding ${codec} frames`,
        figure: `${run.result.frameBytes} B/frame, ${int(run.result.perSecond)} deliveries/s, ${int(run.perCpu)} per server CPU-s`,
        cpu: `server ${run.serverCpu.toFixed(1)} s`,
        note: codec === "json" ? "the reference for Bun's own gain" : `Bun's own msgpack/json: ${bunRatio.toFixed(2)} per CPU-s`,
      });
    }
    results[`codec_${kind}_ceiling`] = { json: ceilingJson.perCpu, msgpack: ceilingMsgpack.perCpu, ratio: bunRatio };
    const json = measured[0]!;
    for (const [i, codec] of codecs.entries()) {
      const run = measured[i]!;
      const ratio = run.perCpu / json.perCpu;
      rows.push({
        scenario: `fan-out 1000 subs, ${kind} payload, in-process (median of 3)`, target: codec,
        figure: `${run.result.frameBytes} B/frame, ${int(run.result.perSecond)} deliveries/s, ${int(run.perCpu)} per server CPU-s`,
        cpu: `server ${run.serverCpu.toFixed(1)} s`,
        note: codec === "json" ? `JSON frame ${run.result.jsonBytes} B; ${(run.perCpu / ceilingJson.perCpu).toFixed(2)} of the json ceiling`
          : `${ratio.toFixed(2)} of json per CPU-s${kind === "small" ? " (target ≥ 0.9)" : " (target > 1)"}; Bun's own ${bunRatio.toFixed(2)}; ${(run.perCpu / ceilingMsgpack.perCpu).toFixed(2)} of the msgpack ceiling`,
      });
      results[`codec_${kind}_${codec}`] = { ...run.result, serverCpu: run.serverCpu, perCpu: run.perCpu, ratio };
    }
  }
  // Validation: the small payload on a channel with a small object schema, against no contracts.
  for (const subscribers of [1000, 100]) {
    const args = { subscribers, burst: 50, payload: "small", messages: subscribers === 1000 ? 2000 : 10000, channel: "bench/fan" };
    const [free, checked] = await interleaved([{ codec: "json" }, { codec: "json", contracts: true }], args) as [Run, Run];
    const cost = 1 - checked.perCpu / free.perCpu;
    rows.push({ scenario: `publish validation, small object schema, ${subscribers} subs`, target: "json, contracts vs none",
      figure: `${int(checked.perCpu)} vs ${int(free.perCpu)} deliveries per server CPU-s`,
      note: `validation costs ${(cost * 100).toFixed(1)}% (target ≤ 15%)` });
    results[`validation_${subscribers}`] = { free: free.result, checked: checked.result, freePerCpu: free.perCpu, checkedPerCpu: checked.perCpu, cost };
  }
}
