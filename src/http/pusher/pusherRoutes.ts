/**
 * The Pusher HTTP API as a hono app, mounted at /apps on the public port (where Pusher
 * server SDKs send it with `host`, `port`, `useTLS: false`). Every route checks the
 * request signature with its app's secret (requestSignature.ts); answers are JSON, and
 * errors plain text as Pusher's are: 404 for an unknown app id, 401 for a bad
 * signature, 400 naming the field, 413 for event data over 10 KB (Pusher's limit) or a
 * body past `maxPayload`.
 *
 * - `POST /apps/{id}/events` `{ name, data, channel | channels, socket_id?, info? }`
 * - `POST /apps/{id}/batch_events` `{ batch: [{ name, data, channel, socket_id?, info? }] }`
 * - `GET /apps/{id}/channels` `?filter_by_prefix=&info=user_count,subscription_count`
 * - `GET /apps/{id}/channels/{name}` `?info=` → `{ occupied, subscription_count?, user_count? }`
 * - `GET /apps/{id}/channels/{name}/users` (presence channels) → `{ users: [{ id }] }`
 * - `POST /apps/{id}/users/{user_id}/terminate_connections` → `{}`
 *
 * @example
 * app.route("/apps", pusherRoutes(config.pusher.apps, new PusherApi(exchange, control), config.maxPayload));
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import type { PusherApp } from "../../config/pusher.ts";
import { verifyRequestSignature } from "../../protocol/pusher/requestSignature.ts";
import { maxEventDataBytes } from "../../protocol/pusher/errorCodes.ts";
import { describeIssues } from "../apiProblem.ts";
import { ErrorName } from "../../protocol/errorNames.ts";
import type { PusherApi, PusherEvent } from "./PusherApi.ts";
import { type InfoAttributes, pusherApiSchemas, pusherChannel } from "./pusherApiSchemas.ts";

type Env = { Variables: { app: PusherApp; body: string } };

const isPresence = (channel: string) => channel.startsWith("presence-");
const utf8 = new TextEncoder();

/** A 4xx/5xx in Pusher's style: plain text. */
class PusherHttpError extends Error {
  constructor(readonly status: 400 | 401 | 403 | 404 | 413 | 500 | 503, message: string) {
    super(message);
  }
}

/** A publish refused by a contract is the request's fault; a broker or store that did not answer is ours, for now. */
const publishFailureStatus: Record<string, 400 | 403 | 503> = {
  [ErrorName.Validation]: 400, [ErrorName.InvalidArguments]: 400, [ErrorName.Forbidden]: 403,
  [ErrorName.Broker]: 503, [ErrorName.Timeout]: 503,
};

function parse<S extends z.ZodType>(schema: S, input: unknown, where: "body" | "query"): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new PusherHttpError(400, describeIssues(parsed.error, where));
  return parsed.data;
}

function jsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PusherHttpError(400, `Invalid request body: not JSON: ${(error as Error).message}`);
  }
}

function assertUserCountOnPresence(info: InfoAttributes, presence: boolean, where: string): void {
  if (info.has("user_count") && !presence) {
    throw new PusherHttpError(400, `Invalid query: "info": user_count is only available for presence channels${where}`);
  }
}

export function pusherRoutes(apps: readonly PusherApp[], api: PusherApi, maxBody: number): Hono<Env> {
  const byId = new Map(apps.map((app) => [app.id, app]));
  const app = new Hono<Env>();
  app.onError((error, c) => {
    if (error instanceof PusherHttpError) return c.text(error.message, error.status);
    return c.text(`Internal error: ${(error as Error)?.message ?? String(error)}`, 500);
  });
  app.use("/:appId/*", bodyLimit({ maxSize: maxBody, onError: (c) => c.text(`Request body too large: more than ${maxBody} bytes (maxPayload)`, 413) }));
  app.use("/:appId/*", async (c, next) => {
    const found = byId.get(c.req.param("appId"));
    if (!found) return c.text(`Unknown app "${c.req.param("appId")}"`, 404);
    const body = c.req.method === "GET" || c.req.method === "HEAD" ? "" : await c.req.text();
    const check = verifyRequestSignature({ method: c.req.method, path: new URL(c.req.url).pathname, query: c.req.query(), body }, found, Date.now() / 1000);
    if (!check.ok) return c.text(check.message, 401);
    c.set("app", found);
    c.set("body", body);
    await next();
  });

  app.post("/:appId/events", async (c) => {
    const event = parse(pusherApiSchemas.event, jsonBody(c.get("body")), "body");
    const channels = event.channels ?? [event.channel!];
    await publish(channels.map((channel) => ({ channel, name: event.name, data: event.data, socket_id: event.socket_id })));
    if (event.info.size === 0) return c.json({});
    const counts = await api.subscriptionCounts();
    const entries = await Promise.all(channels.map(async (channel) => [channel, await channelInfo(channel, event.info, counts)] as const));
    return c.json({ channels: Object.fromEntries(entries) });
  });

  app.post("/:appId/batch_events", async (c) => {
    const { batch } = parse(pusherApiSchemas.batch, jsonBody(c.get("body")), "body");
    await publish(batch.map(({ channel, name, data, socket_id }) => ({ channel, name, data, socket_id })));
    if (batch.every((event) => event.info.size === 0)) return c.json({});
    const counts = await api.subscriptionCounts();
    return c.json({ batch: await Promise.all(batch.map((event) => channelInfo(event.channel, event.info, counts))) });
  });

  app.get("/:appId/channels", async (c) => {
    const query = parse(pusherApiSchemas.channelsQuery, c.req.query(), "query");
    const prefix = query.filter_by_prefix ?? "";
    assertUserCountOnPresence(query.info, isPresence(prefix), ": add filter_by_prefix=presence-");
    const counts = await api.subscriptionCounts();
    const names = [...counts.keys()].filter((channel) => channel.startsWith(prefix) && (counts.get(channel) ?? 0) > 0).sort();
    const entries = await Promise.all(names.map(async (channel) => [channel, await channelInfo(channel, query.info, counts)] as const));
    return c.json({ channels: Object.fromEntries(entries) });
  });

  app.get("/:appId/channels/:channel", async (c) => {
    const channel = parse(pusherChannel, c.req.param("channel"), "query");
    const query = parse(pusherApiSchemas.channelQuery, c.req.query(), "query");
    assertUserCountOnPresence(query.info, isPresence(channel), "");
    const counts = await api.subscriptionCounts();
    return c.json({ occupied: (counts.get(channel) ?? 0) > 0, ...await channelInfo(channel, query.info, counts) });
  });

  app.get("/:appId/channels/:channel/users", async (c) => {
    const channel = parse(pusherChannel, c.req.param("channel"), "query");
    if (!isPresence(channel)) throw new PusherHttpError(400, `Invalid channel "${channel}": users are only available for presence channels`);
    return c.json({ users: (await api.userIds(channel)).map((id) => ({ id })) });
  });

  app.post("/:appId/users/:userId/terminate_connections", async (c) => {
    await api.terminate(c.req.param("userId"));
    return c.json({});
  });

  // Signed but no such route.
  app.all("/:appId/*", (c) => c.text(`No Pusher API route ${c.req.method} ${new URL(c.req.url).pathname}`, 404));

  async function publish(events: PusherEvent[]): Promise<void> {
    for (const event of events) {
      const bytes = utf8.encode(event.data).length;
      if (bytes > maxEventDataBytes) throw new PusherHttpError(413, `Event data too large: ${bytes} bytes, more than ${maxEventDataBytes}`);
    }
    try {
      await api.trigger(events);
    } catch (error) {
      const { name, message } = (error ?? {}) as { name?: string; message?: string };
      throw new PusherHttpError(publishFailureStatus[name ?? ""] ?? 500, `Publish failed: ${message ?? String(error)}`);
    }
  }

  async function channelInfo(channel: string, info: InfoAttributes, counts: Map<string, number>): Promise<Record<string, number>> {
    const answer: Record<string, number> = {};
    if (info.has("subscription_count")) answer.subscription_count = counts.get(channel) ?? 0;
    if (info.has("user_count") && isPresence(channel)) answer.user_count = await api.userCount(channel);
    return answer;
  }

  return app;
}
