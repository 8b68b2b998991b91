/**
 * The server API as functions: what `/api/*` answers over HTTP and what `server.api`
 * gives an app embedding scx. Publishing and history go through the exchange (any
 * thread's links reach every broker and host); disconnect, server-side subscriptions,
 * channels and info ask every worker of every host over the control path and sum.
 * Arguments are trusted here: the HTTP routes validate them first (apiSchemas.ts).
 *
 * @example
 * await server.api.publish("chat/1", { text: "hi" });         // {} or { offset, epoch }
 * await server.api.disconnect({ user: "ann" });               // { disconnected: 2 }
 * await server.api.channels("chat/*");                        // { channels: [{ channel: "chat/1", subscribers: 3 }] }
 */
import type { ControlPlane, HostAnswer } from "../control/ControlPlane.ts";
import { answeredValues, unansweredOf } from "../control/ControlPlane.ts";
import type { HistoryPage } from "../worker/Exchange.ts";
import type { StreamPosition } from "../protocol/publication.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";

/** What the API needs of server.exchange (presence where the presence feature provides it). */
export interface ApiExchange {
  publish(channel: string, data: unknown): Promise<Partial<StreamPosition>>;
  history(channel: string, options?: { since?: StreamPosition; limit?: number }): Promise<HistoryPage>;
  presence?(channel: string): Promise<unknown[]>;
  presenceStats?(channel: string): Promise<unknown>;
}

export interface Target { user?: string; client?: string }
export interface NodeInfo {
  id: string; version: string; uptime: number; workers: number; brokers: number;
  connections: number; subscriptions: number; channels: number; error?: string;
}
interface WorkerStats { connections: number; subscriptions: number; channels: number }

const sum = (values: number[]) => values.reduce((total, n) => total + (typeof n === "number" ? n : 0), 0);

/** `{ [key]: the sum over every answer }`, plus `unanswered` when some host or thread was silent. */
function counted<K extends string>(key: K, hosts: HostAnswer<number>[]): { [P in K]: number } & Partial<Unanswered> {
  return withUnanswered({ [key]: sum(answeredValues(hosts)) } as { [P in K]: number }, hosts);
}

export interface Unanswered { unanswered: string[] }

function withUnanswered<T extends object>(answer: T, hosts: HostAnswer[]): T & Partial<Unanswered> {
  const unanswered = unansweredOf(hosts);
  return unanswered.length === 0 ? answer : { ...answer, unanswered };
}

export class ServerApi {
  constructor(private readonly exchange: ApiExchange, private readonly control: ControlPlane) {}

  /** Publish to one channel on every worker and host: `{}`, or `{ offset, epoch }` on history channels. */
  publish(channel: string, data: unknown): Promise<Partial<StreamPosition>> {
    return this.exchange.publish(channel, data);
  }

  /** Publish the same data to several channels; one response (or `{ error }`) per channel, in order. */
  async broadcast(channels: string[], data: unknown): Promise<{ responses: Array<Partial<StreamPosition> | { error: string }> }> {
    const settled = await Promise.allSettled(channels.map((channel) => this.exchange.publish(channel, data)));
    return { responses: settled.map((r) => r.status === "fulfilled" ? r.value : { error: String((r.reason as Error)?.message ?? r.reason) }) };
  }

  /** Close every connection of a user (token `sub`) or one client, on every host. */
  async disconnect(target: Target & { code?: number; reason?: string }): Promise<{ disconnected: number } & Partial<Unanswered>> {
    return counted("disconnected", await this.control.ask<number>("disconnect", target));
  }

  /** Subscribe a user's (or client's) connections to a channel on the server's initiative. */
  async subscribe(channel: string, target: Target): Promise<{ subscribed: number } & Partial<Unanswered>> {
    return counted("subscribed", await this.control.ask<number>("subscribe", { channel, ...target }));
  }

  /** Remove a user's (or client's) connections from a channel; each client gets #kickOut. */
  async unsubscribe(channel: string, target: Target): Promise<{ unsubscribed: number } & Partial<Unanswered>> {
    return counted("unsubscribed", await this.control.ask<number>("unsubscribe", { channel, ...target }));
  }

  /** Who is in a channel (namespaces with presence), on every host: `{ members: [{ client, user, info }] }`. */
  async presence(channel: string): Promise<{ members: unknown[] }> {
    if (!this.exchange.presence) throw namedError(ErrorName.InvalidAction, "Presence is not available in this build");
    return { members: await this.exchange.presence(channel) };
  }

  /** How many clients and users are in a channel. */
  presenceStats(channel: string): Promise<unknown> {
    if (!this.exchange.presenceStats) throw namedError(ErrorName.InvalidAction, "Presence is not available in this build");
    return this.exchange.presenceStats(channel);
  }

  /** A history channel's kept publications (see exchange.history). */
  history(channel: string, options: { since?: StreamPosition; limit?: number } = {}): Promise<HistoryPage> {
    return this.exchange.history(channel, options);
  }

  /** Channels with subscribers anywhere in the cluster, matching a glob; busiest first. */
  async channels(pattern?: string): Promise<{ channels: Array<{ channel: string; subscribers: number }> } & Partial<Unanswered>> {
    const hosts = await this.control.ask<Array<{ channel: string; subscribers: number }>>("channels", { pattern });
    const lists = answeredValues(hosts);
    const counts = new Map<string, number>();
    for (const list of lists) for (const { channel, subscribers } of list) counts.set(channel, (counts.get(channel) ?? 0) + subscribers);
    const channels = [...counts].map(([channel, subscribers]) => ({ channel, subscribers }));
    channels.sort((a, b) => b.subscribers - a.subscribers || (a.channel < b.channel ? -1 : 1));
    return withUnanswered({ channels }, hosts);
  }

  /** One entry per host: its version, uptime, threads and the sums over its workers. */
  async info(): Promise<{ nodes: NodeInfo[] }> {
    // A channel with subscribers on two workers counts once per host: count distinct names.
    const [hosts, lists] = await Promise.all([
      this.control.ask<WorkerStats>("stats"),
      this.control.ask<Array<{ channel: string }>>("channels", {}),
    ]);
    const distinct = new Map(lists.map((host) => [host.host, new Set(answeredValues([host]).flat().map((c) => c.channel)).size]));
    return { nodes: hosts.map((host) => ({ ...nodeInfo(host), channels: distinct.get(host.host) ?? 0 })) };
  }
}

function nodeInfo(host: HostAnswer<WorkerStats>): NodeInfo {
  const stats = host.threads.filter((t) => t.error === undefined).map((t) => t.value!);
  const failed = host.threads.filter((t) => t.error !== undefined).map((t) => t.error);
  const info = host.info;
  const node: NodeInfo = {
    id: info?.id ?? host.host, version: info?.version ?? "", uptime: info?.uptime ?? 0,
    workers: info?.workers ?? 0, brokers: info?.brokers ?? 0,
    connections: sum(stats.map((s) => s.connections)),
    subscriptions: sum(stats.map((s) => s.subscriptions)),
    channels: 0,
  };
  const error = host.error ?? (failed.length > 0 ? failed.join("; ") : undefined);
  return error === undefined ? node : { ...node, error };
}
