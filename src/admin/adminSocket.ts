/**
 * The admin page's own WebSocket: it signs in with its admin token
 * (`scx.admin.signIn`), then may subscribe to the admin channels (`scx.admin/…`, each
 * host's live stats) and call the admin procedures: connections (searchable, every
 * host), disconnect a client, publish. Everyone else is refused those channels and
 * procedures with an InvalidActionError.
 *
 * @example
 * registerAdminSocket(worker, control, config.admin.password);
 * // in the page: await socket.invoke("scx.admin.signIn", { token });
 */
import type { ControlPlane } from "../control/ControlPlane.ts";
import type { SocketWorker } from "../worker/SocketWorker.ts";
import type { ServerSocket } from "../worker/ServerSocket.ts";
import { CloseCode } from "../protocol/closeCodes.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { verifyAdminToken } from "./adminToken.ts";
import type { ConnectionRow } from "./registerAdminOps.ts";

/** Channels only signed-in admin sockets may subscribe to. */
export const adminChannelPrefix = "scx.admin/";
/** The channel each host publishes its HostSnapshot on, once a second. */
export const adminStatsChannel = `${adminChannelPrefix}stats`;

const signedIn = new WeakSet<ServerSocket>();

function refuse(): never {
  throw namedError(ErrorName.InvalidAction, "Sign in to the admin page first");
}

export function registerAdminSocket(worker: SocketWorker, control: ControlPlane, password: string): void {
  worker.middleware("inbound", (action) => {
    if (action.type === "subscribe" && action.channel.startsWith(adminChannelPrefix) && !signedIn.has(action.socket)) refuse();
    if (action.type === "publishIn" && action.channel.startsWith(adminChannelPrefix)) {
      throw namedError(ErrorName.InvalidAction, "The admin channels are published by scx only");
    }
  });
  const admin = (handler: (data: any, socket: ServerSocket) => unknown) => (data: any, socket: ServerSocket) => {
    if (!signedIn.has(socket)) refuse();
    return handler(data ?? {}, socket);
  };
  worker.procedure("scx.admin.signIn", async (data: { token?: unknown } | undefined, socket) => {
    if (!(await verifyAdminToken(password, data?.token))) throw namedError(ErrorName.InvalidAction, "The admin sign-in expired or is wrong");
    signedIn.add(socket);
    return { client: socket.id };
  });
  worker.procedure("scx.admin.connections", admin(async (data: { query?: string; limit?: number }) => {
    const limit = Math.min(Math.max(1, Number(data.limit) || 100), 500);
    const hosts = await control.ask<ConnectionRow[]>("adminConnections", { query: String(data.query ?? ""), limit });
    const rows: ConnectionRow[] = [];
    for (const host of hosts) for (const thread of host.threads) for (const row of thread.value ?? []) rows.push({ ...row, host: host.host });
    rows.sort((a, b) => (a.user ?? "\uffff").localeCompare(b.user ?? "\uffff") || a.client.localeCompare(b.client));
    return { total: rows.length, rows: rows.slice(0, limit) };
  }));
  worker.procedure("scx.admin.disconnect", admin(async (data: { client?: string }) => {
    if (typeof data.client !== "string") throw namedError(ErrorName.InvalidAction, "client: expected a client id");
    const hosts = await control.ask<number>("disconnect", { client: data.client, code: CloseCode.Normal, reason: "Disconnected by an admin" });
    return { disconnected: hosts.flatMap((h) => h.threads).reduce((n, t) => n + (t.value ?? 0), 0) };
  }));
  worker.procedure("scx.admin.publish", admin(async (data: { channel?: string; data?: unknown }) => {
    if (typeof data.channel !== "string" || data.channel === "") throw namedError(ErrorName.InvalidAction, "channel: expected a channel name");
    if (data.channel.startsWith(adminChannelPrefix)) throw namedError(ErrorName.InvalidAction, "The admin channels are published by scx only");
    return (await worker.publish(data.channel, data.data, "always")) ?? {};
  }));
}
