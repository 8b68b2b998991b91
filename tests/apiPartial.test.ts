/**
 * Partial cluster answers are flagged: when a host or a thread does not answer in time,
 * ServerApi's sums say so in `unanswered` instead of passing for the whole cluster
 * (HostControl over RedisControl on a real redis-server, one host silent).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisControl } from "../src/control/redis.ts";
import { HostControl } from "../src/control/HostControl.ts";
import type { ControlQuery, ThreadAnswer } from "../src/control/ControlPlane.ts";
import { ServerApi } from "../src/http/ServerApi.ts";
import { startRedis, type RedisProcess } from "./helpers/redisServer.ts";

let redis: RedisProcess;
beforeAll(async () => { redis = await startRedis(); });
afterAll(() => redis.stop());

const info = () => ({ version: "t", uptime: 0, workers: 2, brokers: 1 });
const noExchange = {
  publish: () => Promise.reject(new Error("not used")),
  history: () => Promise.reject(new Error("not used")),
};

describe("ServerApi with a silent host and a failed thread", () => {
  test("ServerApi.disconnect() and .channels() sum what answered and list who did not in unanswered", async () => {
    const prefix = `partial${Date.now()}:`;
    // This host: worker 0 answers, worker 1 timed out (as ThreadQueries reports it).
    const threads = async (query: ControlQuery): Promise<ThreadAnswer[]> => [
      { role: "worker", id: 0, value: query.op === "channels" ? [{ channel: "a", subscribers: 2 }] : 2 },
      { role: "worker", id: 1, error: "No answer within 1000 ms" },
    ];
    const transport = new RedisControl({ url: redis.url, prefix, timeoutMs: 300 });
    const host = new HostControl({ transport, info, askThreads: threads });
    await host.start();
    const silent = new RedisControl({ url: redis.url, prefix, timeoutMs: 300 });
    await silent.start(() => new Promise(() => {}));

    const api = new ServerApi(noExchange, host);
    const answer = await api.disconnect({ user: "ann" });
    expect(answer.disconnected).toBe(2);
    expect(answer.unanswered).toEqual([
      `host ${host.hostId} worker 1: No answer within 1000 ms`,
      `host ${silent.hostId}: No answer within 300 ms`,
    ]);
    const channels = await api.channels();
    expect(channels.channels).toEqual([{ channel: "a", subscribers: 2 }]);
    expect(channels.unanswered?.length).toBe(2);

    await silent.close();
    // With every host answering and no failed thread, there is no unanswered key at all.
    const whole = new ServerApi(noExchange, new HostControl({ transport: new RedisControl({ url: redis.url, prefix: `${prefix}b:` }), info,
      askThreads: async () => [{ role: "worker", id: 0, value: 1 }] }));
    await (whole as any).control.start();
    expect(await whole.disconnect({ user: "ann" })).toEqual({ disconnected: 1 });
    await (whole as any).control.close();
    await host.close();
  }, 30_000);
});
