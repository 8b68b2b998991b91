/**
 * Where the edge consults the contracts (contracts.ts): small functions the channel, RPC
 * and exchange paths call, each a no-op (one WeakMap lookup) when no contracts are loaded.
 *
 * @example
 * const checked = checkPublication(worker, "chat/1", data);
 * if (!checked.ok) return reply(socket, cid, checked.error);
 */
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import type { Checked } from "./contracts.ts";
import { contractsOf } from "./contractsOf.ts";
import type { ServerSocket } from "./ServerSocket.ts";

const free = (data: unknown): Checked => ({ ok: true, data });

export function checkPublication(worker: object, channel: string, data: unknown): Checked {
  return contractsOf(worker)?.checkPublish(channel, data) ?? free(data);
}

export function checkInput(worker: object, procedure: string, data: unknown): Checked {
  return contractsOf(worker)?.checkInput(procedure, data) ?? free(data);
}

export function checkOutput(worker: object, procedure: string, data: unknown): Checked {
  return contractsOf(worker)?.checkOutput(procedure, data) ?? free(data);
}

export function checkTransmit(worker: object, receiver: string, data: unknown): Checked {
  return contractsOf(worker)?.checkTransmit(receiver, data) ?? free(data);
}

/**
 * The contracts' canSubscribe/canPublish for this socket's token, then `next` (the inbound
 * middleware) when allowed; a refusal is a ForbiddenError and `next` never runs.
 */
export function withPermission(
  worker: object, socket: ServerSocket, action: "subscribe" | "publish", channel: string,
  next: () => Error | null | Promise<Error | null>,
): Error | null | Promise<Error | null> {
  const spec = contractsOf(worker)?.spec;
  const rule = action === "subscribe" ? spec?.canSubscribe : spec?.canPublish;
  if (!rule) return next();
  const refused = () => namedError(ErrorName.Forbidden, `Not allowed to ${action} ${action === "subscribe" ? "to" : "on"} "${channel}"`);
  const decide = (allowed: boolean) => allowed ? next() : refused();
  try {
    const allowed = rule((socket.authToken as Record<string, unknown> | null) ?? null, channel);
    return allowed instanceof Promise ? allowed.then(decide, refused) : decide(allowed);
  } catch {
    return refused();
  }
}
