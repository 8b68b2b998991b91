/**
 * Connection caps on a worker: `limits.connectionsPerIp` and `connectionsPerUser` (the
 * auth token's `sub`). A socket takes its slots during the handshake, from the broker
 * that owns each key (one per key on this host, so the count covers every worker thread;
 * with Redis, every host); a later authentication as another user takes that user's slot,
 * and closes the socket with 4012 when it is full. Slots go back when the socket closes
 * or drops its token. A restarted broker is told what this worker holds.
 *
 * @example
 * const refused = await admitConnection(worker, socket, authToken); // null, or ConnectionLimitError
 */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import type { BrokerToWorker } from "../threads/messages.ts";
import { CloseCode } from "../protocol/closeCodes.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { BrokerLinks } from "./brokerLinks.ts";
import { limitCounters } from "./limitCounters.ts";
import type { Emitter } from "./Emitter.ts";

/** The worker events the caps follow. */
interface CapsEvents {
  disconnection: [socket: ServerSocket, code: number, reason: string];
  authentication: [socket: ServerSocket];
  deauthentication: [socket: ServerSocket];
}

/** What the caps need of a worker. */
export interface CapsHost {
  readonly config: Pick<Config, "limits">;
  readonly log: Logger;
  readonly links: BrokerLinks;
  on: Emitter<CapsEvents>["on"];
}

interface Held { ip?: string; user?: string }

const held = new WeakMap<ServerSocket, Held>();
/** Workers whose listeners are installed → key → slots held by its sockets (for a restarted broker). */
const hosts = new WeakMap<CapsHost, Map<string, number>>();

/** Whether any connection cap is configured. */
export function capsEnabled(host: CapsHost): boolean {
  const { connectionsPerIp, connectionsPerUser } = host.config.limits;
  return connectionsPerIp !== undefined || connectionsPerUser !== undefined;
}

function userOf(token: Record<string, unknown> | null): string | undefined {
  const sub = token?.sub;
  return typeof sub === "string" || typeof sub === "number" ? String(sub) : undefined;
}

async function take(host: CapsHost, key: string, limit: number): Promise<boolean> {
  const ack = await host.links.request<Extract<BrokerToWorker, { t: "capAck" }>>(key, { t: "cap", key, limit });
  if (!ack.ok) return false;
  const counts = hosts.get(host)!;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return true;
}

function give(host: CapsHost, key: string): void {
  const counts = hosts.get(host)!;
  const count = counts.get(key) ?? 0;
  if (count <= 1) counts.delete(key);
  else counts.set(key, count - 1);
  host.links.post(key, { t: "uncap", key });
}

function refusal(host: CapsHost, socket: ServerSocket, which: "ip" | "user", key: string, limit: number): Error {
  limitCounters.connectionLimited[which]++;
  limitCounters.disconnects.connectionLimit++;
  host.log.warn("Connection refused: connection limit", { socket: socket.id, remoteAddress: socket.remoteAddress, limit: which, key, max: limit });
  return namedError(ErrorName.ConnectionLimit,
    `Connection limit reached: more than ${limit} connections ${which === "ip" ? "from this address" : "of this user"}`, { limit });
}

function install(host: CapsHost): void {
  if (hosts.has(host)) return;
  hosts.set(host, new Map());
  host.on("disconnection", (socket) => release(host, socket));
  host.on("deauthentication", (socket) => {
    const slots = held.get(socket);
    if (slots?.user) give(host, slots.user);
    if (slots) slots.user = undefined;
  });
  host.on("authentication", (socket) => void authenticated(host, socket));
}

/** Give back every slot the socket holds. */
function release(host: CapsHost, socket: ServerSocket): void {
  const slots = held.get(socket);
  if (!slots) return;
  held.delete(socket);
  if (slots.ip) give(host, slots.ip);
  if (slots.user) give(host, slots.user);
}

/**
 * Take the socket's slots before its handshake completes; null when it may connect, else
 * the ConnectionLimitError to answer with (then close with 4012).
 */
export async function admitConnection(host: CapsHost, socket: ServerSocket, token: Record<string, unknown> | null): Promise<Error | null> {
  install(host);
  const { connectionsPerIp, connectionsPerUser } = host.config.limits;
  const slots: Held = {};
  held.set(socket, slots);
  let error: Error | null = null;
  if (connectionsPerIp !== undefined) {
    const key = `ip:${socket.remoteAddress}`;
    if (await take(host, key, connectionsPerIp)) slots.ip = key;
    else error = refusal(host, socket, "ip", key, connectionsPerIp);
  }
  const user = userOf(token);
  if (!error && connectionsPerUser !== undefined && user !== undefined) {
    const key = `user:${user}`;
    if (await take(host, key, connectionsPerUser)) slots.user = key;
    else error = refusal(host, socket, "user", key, connectionsPerUser);
  }
  // Closed meanwhile, or refused: no disconnection event will give these back.
  if (error || socket.state === "closed") release(host, socket);
  return error;
}

/** A later authentication: the new user's slot, or close 4012 when that user is at the cap. */
async function authenticated(host: CapsHost, socket: ServerSocket): Promise<void> {
  const limit = host.config.limits.connectionsPerUser;
  const slots = held.get(socket);
  const user = userOf(socket.authToken);
  if (limit === undefined || !slots || user === undefined || slots.user === `user:${user}`) return;
  const key = `user:${user}`;
  const previous = slots.user;
  if (!(await take(host, key, limit))) {
    refusal(host, socket, "user", key, limit);
    socket.disconnect(CloseCode.ConnectionLimit);
    return;
  }
  if (socket.state === "closed" || held.get(socket) !== slots) return give(host, key);
  slots.user = key;
  if (previous) give(host, previous);
}

/** A broker restarted: tell it which of its keys this worker's sockets hold. */
export function resyncCaps(host: CapsHost, index: number): void {
  for (const [key, count] of hosts.get(host) ?? []) {
    if (host.links.indexOf(key) !== index) continue;
    for (let i = 0; i < count; i++) host.links.post(key, { t: "cap", key });
  }
}
