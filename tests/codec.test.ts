/**
 * Binary codecs: the official socketcluster-client with `codecEngine: sc-codec-min-bin` and
 * scx/client with msgpack pass the conformance suite against scx configured with that codec,
 * in-process and with 2 worker threads; the sc-codec-min-bin package from npm is the oracle
 * for the format; pings stay text frames; undecodable binary frames are ignored like
 * unparsable JSON ones.
 */
import { describe, expect, test } from "bun:test";
// @ts-ignore: the package has no types
import scCodecMinBin from "sc-codec-min-bin";
import scV20 from "socketcluster-client";
import { create } from "../src/client/index.ts";
import { minBinCodec, msgpackCodec } from "../src/client/msgpack.ts";
import { jsonCodec } from "../src/protocol/codec.ts";
import { codecNamed } from "../src/protocol/codecs.ts";
import { loadCodec } from "../src/protocol/loadCodec.ts";
import { startScx } from "./helpers/startScx.ts";
import { conformanceChannels, conformanceChannelsYaml, conformanceScript, conformanceSuite } from "./conformance.suite.ts";
import { startCli } from "./helpers/startCli.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

const minBin = { codec: "sc-codec-min-bin" as const, worker: conformanceScript, channels: conformanceChannels };
const msgpack = { codec: "msgpack" as const, worker: conformanceScript, channels: conformanceChannels };
const scxClient = [["scx-client-msgpack", { create: (options: any) => create({ ...options, codec: msgpackCodec }) }]] as const;

conformanceSuite("sc-codec-min-bin in-process", () => startScx(minBin), { clientOptions: { codecEngine: scCodecMinBin } });
conformanceSuite("sc-codec-min-bin, 2 worker threads", () => startScx({ ...minBin, workers: 2, brokers: 2 }),
  { clientOptions: { codecEngine: scCodecMinBin } });
// scx on Deno (`deno run -A cli.ts serve`), 2 worker threads, speaking sc-codec-min-bin.
conformanceSuite("sc-codec-min-bin on Deno, 2 worker threads", async () => {
  const dir = mkdtempSync(`${tmpdir()}/scx-deno-codec-`);
  writeFileSync(`${dir}/scx.yaml`, `host: 127.0.0.1\nport: 0\nworkers: 2\ncodec: sc-codec-min-bin\nworker: ${conformanceScript}\nlogFormat: json\n${conformanceChannelsYaml}`);
  const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
  const proc = await startCli([deno, "run", "-A", new URL("../cli.ts", import.meta.url).pathname, "serve", `${dir}/scx.yaml`]);
  return { port: proc.port, stop: async () => { proc.kill("SIGTERM"); await proc.proc.exited; } };
}, { clientOptions: { codecEngine: scCodecMinBin } });
conformanceSuite("msgpack in-process", () => startScx(msgpack), { clients: scxClient });
conformanceSuite("msgpack, 2 worker threads", () => startScx({ ...msgpack, workers: 2, brokers: 2 }), { clients: scxClient });

const packets: unknown[] = [
  { event: "#handshake", data: { authToken: null }, cid: 1 },
  { rid: 1, data: { id: "abc", pingTimeout: 20000, isAuthenticated: false } },
  { rid: 2, error: { name: "X", message: "m" } },
  { event: "#publish", data: { channel: "a", data: { t: "hi", n: 1.5, big: 2 ** 40, neg: -7, list: [1, "x", null] } } },
  { event: "#publish", data: { channel: "a", data: "hi" }, cid: 9 },
  [{ event: "x", data: [1, 2] }, { event: "y", cid: 3 }],
  { event: "#removeAuthToken" },
];

describe("minBinCodec", () => {
  test("minBinCodec.encode gives the npm sc-codec-min-bin package's bytes for every packet kind", () => {
    for (const packet of packets) {
      const mine = minBinCodec.encode(structuredClone(packet)) as Uint8Array;
      const theirs = new Uint8Array(scCodecMinBin.encode(structuredClone(packet)));
      expect([...mine]).toEqual([...theirs]);
    }
  });

  test("minBinCodec.decode reads what the npm package encodes, as the package itself does", () => {
    for (const packet of packets) {
      const bytes = scCodecMinBin.encode(structuredClone(packet));
      expect(JSON.stringify(minBinCodec.decode(new Uint8Array(bytes)))).toBe(JSON.stringify(scCodecMinBin.decode(bytes)));
    }
  });

  test("minBinCodec sends binary values as MessagePack bin, which the npm package decodes to an ArrayBuffer", () => {
    const decoded = scCodecMinBin.decode(minBinCodec.encode({ event: "bytes", data: new Uint8Array([1, 2, 3]) }));
    expect(decoded.event).toBe("bytes");
    expect([...new Uint8Array(decoded.data)]).toEqual([1, 2, 3]);
  });

  test("minBinCodec.publishFrame on a history channel adds offset and epoch the original client ignores", () => {
    const frame = minBinCodec.publishFrame("chat/1", '{"t":"hi"}', 7, "x9f2");
    expect(scCodecMinBin.decode(frame)).toEqual({ event: "#publish", data: { channel: "chat/1", data: { t: "hi" } } });
    expect(minBinCodec.decode(frame)).toEqual({ event: "#publish", data: { channel: "chat/1", data: { t: "hi" }, offset: 7, epoch: "x9f2" } });
  });
});

describe("msgpackCodec", () => {
  test("msgpackCodec.publishFrame decodes to the packet jsonCodec's spliced frame parses to", () => {
    for (const json of [undefined, '"hi"', '{"a":[1,{"b":null}],"c":"é"}', "3.25"]) {
      for (const position of [[], [7, "x9f2"]] as const) {
        const binary = msgpackCodec.publishFrame("chat/1", json, ...position);
        const text = jsonCodec.publishFrame("chat/1", json, ...position);
        expect(msgpackCodec.decode(binary)).toEqual(JSON.parse(text));
      }
    }
  });

  test("msgpackCodec leaves out undefined keys as JSON does, and never throws on bad bytes", () => {
    expect(msgpackCodec.decode(msgpackCodec.encode({ rid: 1, data: undefined, list: [undefined] }))).toEqual({ rid: 1, list: [null] });
    for (const bytes of [[0xc1], [0x92, 0x01], [0xdd, 0xff, 0xff, 0xff, 0xff], []]) {
      expect(() => msgpackCodec.decode(new Uint8Array(bytes))).not.toThrow();
    }
    const evil = msgpackCodec.decode(new Uint8Array([0x81, 0xa9, ...new TextEncoder().encode("__proto__"), 0x81, 0xa1, 0x78, 1])) as object;
    expect(Object.getPrototypeOf(evil)).toBe(Object.prototype);
  });

  test("codecNamed and loadCodec (the worker threads' lazy one) give the same codec for every name of the config", async () => {
    expect(codecNamed("json")).toBe(jsonCodec);
    expect(codecNamed("msgpack").binary).toBe(true);
    expect(codecNamed("sc-codec-min-bin").name).toBe("sc-codec-min-bin");
    for (const name of ["json", "msgpack", "sc-codec-min-bin"] as const) expect(await loadCodec(name)).toBe(codecNamed(name));
  });
});

describe("binary frames on the wire", () => {
  test("a server with codec msgpack sends binary frames, and pings as empty text frames", async () => {
    const scx = await startScx({ codec: "msgpack", pingInterval: 50 });
    const ws = new WebSocket(scx.url);
    ws.binaryType = "arraybuffer";
    const frames: unknown[] = [];
    const gotPing = new Promise<void>((resolve) => {
      ws.onmessage = (event) => {
        frames.push(event.data);
        if (event.data === "") resolve();
      };
    });
    await new Promise((resolve) => (ws.onopen = resolve));
    ws.send(msgpackCodec.encode({ event: "#handshake", data: {}, cid: 1 }));
    await gotPing;
    expect(frames[0]).toBeInstanceOf(ArrayBuffer);
    expect((msgpackCodec.decode(new Uint8Array(frames[0] as ArrayBuffer)) as { rid: number }).rid).toBe(1);
    ws.close();
    await scx.stop();
  });

  test("undecodable binary frames are ignored and the socket stays usable; before the handshake they close 4009", async () => {
    const scx = await startScx({ codec: "sc-codec-min-bin" });
    const client = scV20.create({ hostname: "127.0.0.1", port: scx.port, autoReconnect: false, codecEngine: scCodecMinBin });
    await client.listener("connect").once();
    client.transport.socket.send(new Uint8Array([0xc1, 0xff, 0x00]));
    client.transport.socket.send("not msgpack at all");
    expect(await client.invoke("myId").catch((error: Error) => error.name)).toBeDefined();
    expect(client.state).toBe("open");
    client.disconnect();
    const raw = new WebSocket(scx.url);
    await new Promise((resolve) => (raw.onopen = resolve));
    const closed = new Promise<number>((resolve) => (raw.onclose = (event) => resolve(event.code)));
    raw.send(new Uint8Array([0xc1]));
    expect(await closed).toBe(4009);
    await scx.stop();
  });
});
