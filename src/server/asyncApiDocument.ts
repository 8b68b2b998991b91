/**
 * The AsyncAPI 3.0 document of a contracts module: one channel per channel pattern (its
 * wildcards as address parameters) with its publication message, sent and received; one
 * per procedure (a send operation with a reply) and per receiver (a send operation). The
 * payloads are the zod schemas as JSON Schema (draft-07, which AsyncAPI schemas extend).
 *
 * @example
 * const doc = asyncApiDocument(contracts, config, "0.1.0");
 * doc.asyncapi; // "3.0.0"
 */
import { z } from "zod";
import type { Config } from "../config/schema.ts";
import type { ContractSpec, Schema } from "../worker/contracts.ts";

type Json = Record<string, unknown>;

function jsonSchema(schema: Schema | undefined, io: "input" | "output"): Json {
  if (!schema) return {};
  const { $schema: _, ...rest } = z.toJSONSchema(schema as z.ZodType, { target: "draft-7", io, unrepresentable: "any" }) as Json;
  return rest;
}

/** A key AsyncAPI accepts (`^[A-Za-z0-9_\-]+$`), unique among `taken`. */
function keyOf(name: string, taken: Set<string>): string {
  const base = name.replace(/\*\*/g, "any").replace(/\*/g, "one").replace(/[^A-Za-z0-9_-]+/g, "_") || "root";
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
  taken.add(key);
  return key;
}

/** "chat/*" → address "chat/{p1}" with parameter p1 (one segment); "**" → any number of segments. */
function address(pattern: string): { address: string; parameters?: Json } {
  const parameters: Json = {};
  let n = 0;
  const address = pattern.split("/").map((segment) => {
    if (segment !== "*" && segment !== "**") return segment;
    const name = `p${++n}`;
    parameters[name] = { description: segment === "*" ? "One channel-name segment (no /)" : "Any number of segments, / included" };
    return `{${name}}`;
  }).join("/");
  return n === 0 ? { address } : { address, parameters };
}

export function asyncApiDocument(spec: ContractSpec, config: Config, version: string): Json {
  const channels: Json = {};
  const operations: Json = {};
  const taken = new Set<string>();
  const ref = (...path: string[]) => ({ $ref: `#/${path.join("/")}` });
  for (const [pattern, schema] of Object.entries(spec.channels ?? {})) {
    const key = keyOf(pattern, taken);
    channels[key] = {
      ...address(pattern),
      title: pattern,
      description: `Publications on channels matching "${pattern}" (#publish / #subscribe)`,
      messages: { publication: { name: "publication", payload: jsonSchema(schema, "output") } },
    };
    operations[`publish_${key}`] = { action: "send", channel: ref("channels", key), messages: [ref("channels", key, "messages", "publication")] };
    operations[`subscribe_${key}`] = { action: "receive", channel: ref("channels", key), messages: [ref("channels", key, "messages", "publication")] };
  }
  for (const [name, { input, output }] of Object.entries(spec.procedures ?? {})) {
    const key = keyOf(`procedure_${name}`, taken);
    channels[key] = {
      address: name, title: name, description: `Procedure "${name}" (invoke, answered by one reply)`,
      messages: { request: { name: "request", payload: jsonSchema(input, "input") }, reply: { name: "reply", payload: jsonSchema(output, "output") } },
    };
    operations[key] = {
      action: "send", channel: ref("channels", key), messages: [ref("channels", key, "messages", "request")],
      reply: { channel: ref("channels", key), messages: [ref("channels", key, "messages", "reply")] },
    };
  }
  for (const [name, schema] of Object.entries(spec.receivers ?? {})) {
    const key = keyOf(`receiver_${name}`, taken);
    channels[key] = {
      address: name, title: name, description: `Receiver "${name}" (transmit, no reply)`,
      messages: { transmit: { name: "transmit", payload: jsonSchema(schema, "input") } },
    };
    operations[key] = { action: "send", channel: ref("channels", key), messages: [ref("channels", key, "messages", "transmit")] };
  }
  return {
    asyncapi: "3.0.0",
    info: { title: "scx app", version, description: "Channels, procedures and receivers declared in the scx contracts module" },
    defaultContentType: config.codec === "json" ? "application/json" : "application/msgpack",
    servers: {
      scx: { host: `${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`, protocol: config.tls ? "wss" : "ws", pathname: config.path },
    },
    channels,
    operations,
  };
}
