/**
 * Entry point for every inbound frame of a socket: keeps the socket's packets strictly in
 * order (a frame waits while an earlier one's middleware is still running; other sockets
 * never wait), enforces the handshake-first rule, and unpacks batches.
 *
 * @example
 * receiveFrame(worker, socket, text);
 */
import { CloseCode } from "../protocol/closeCodes.ts";
import { classify, type Inbound } from "../protocol/frames.ts";
import { dehydrateError } from "../protocol/dehydrate.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { isPong } from "../protocol/packets.ts";
import type { Frame } from "../protocol/codec.ts";
import { maxNesting, nestingCheckFrom, nestsDeeperThan, valueNestsDeeperThan } from "../protocol/nestingDepth.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";
import { handshake } from "./handshake.ts";
import { handlePacket } from "./handlePacket.ts";
import { admitPacket } from "./limits.ts";
import { offerHold } from "./inboundHold.ts";

export function receiveFrame(worker: SocketWorker, socket: ServerSocket, text: Frame): void {
  socket.lastSeen = Date.now();
  if (socket.busy) {
    socket.inbound.push(text);
    return;
  }
  offerHold(worker, socket, released);
  let pending;
  try {
    pending = handleFrame(worker, socket, text);
  } finally {
    offerHold(null, null, null);
  }
  if (pending) {
    socket.busy = true;
    pending.then(() => resume(worker, socket), (error) => failed(worker, socket, error));
  }
}

/** What a hold's release does (inboundHold.ts). */
function released(worker: SocketWorker, socket: ServerSocket, error?: unknown): void {
  if (error === undefined) resume(worker, socket);
  else failed(worker, socket, error);
}

/** A handler of the socket finished: what queued meanwhile goes next (the usual case: nothing, one request in flight). */
function resume(worker: SocketWorker, socket: ServerSocket): void {
  if (socket.queued) void drain(worker, socket);
  else socket.busy = false;
}

async function drain(worker: SocketWorker, socket: ServerSocket): Promise<void> {
  try {
    while (socket.queued && socket.state !== "closed") {
      await handleFrame(worker, socket, socket.inbound.shift()!);
    }
  } catch (error) {
    return failed(worker, socket, error);
  }
  socket.busy = false;
}

function failed(worker: SocketWorker, socket: ServerSocket, error: unknown): void {
  worker.log.error("Inbound handling failed", { socket: socket.id, error: String((error as Error)?.stack ?? error) });
  socket.busy = false;
  socket.disconnect(CloseCode.InternalError);
}

function handleFrame(worker: SocketWorker, socket: ServerSocket, text: Frame): Promise<void> | void {
  // Pings and pongs are text frames whatever the codec.
  if (socket.state === "open" && typeof text === "string" && isPong(text)) return checkExpiry(socket);
  const decoded = worker.codec.decode(text);
  // Shorter frames cannot nest past the limit, so the common small frame skips the scan;
  // a frame that does gets each of its packets measured on its own (binary ones always).
  const deep = socket.state === "open" && (typeof text === "string"
    ? text.length > nestingCheckFrom && nestsDeeperThan(text, maxNesting) : text.byteLength > nestingCheckFrom);
  if (!Array.isArray(decoded)) return handleOne(worker, socket, decoded, deep);
  // A batch's packets wait on each other by promise: none of them may hold the socket.
  offerHold(null, null, null);
  return handleBatch(worker, socket, decoded, 0, deep);
}

function handleBatch(
  worker: SocketWorker, socket: ServerSocket, packets: unknown[], from: number, deep: boolean,
): Promise<void> | void {
  for (let i = from; i < packets.length; i++) {
    if (socket.state === "closed") return;
    const pending = handleOne(worker, socket, packets[i], deep);
    if (pending) return pending.then(() => handleBatch(worker, socket, packets, i + 1, deep));
  }
}

function handleOne(worker: SocketWorker, socket: ServerSocket, value: unknown, deep = false): Promise<void> | void {
  if (deep && valueNestsDeeperThan(value, maxNesting + 1)) return refuseTooDeep(socket, value);
  const packet = classify(value);
  worker.counters.received[packet.kind]++;
  if (socket.state === "connecting") {
    if (packet.kind !== "handshake") return socket.disconnect(CloseCode.MessageBeforeHandshake);
    return handshake(worker, socket, packet);
  }
  checkExpiry(socket);
  if (!admitPacket(worker, socket, packet)) return;
  // A packet whose handling throws (data too deeply nested to encode, say) is answered
  // with an error; the socket and its later packets carry on.
  try {
    const pending = handlePacket(worker, socket, packet);
    return pending?.catch((error) => refuse(worker, socket, packet, error));
  } catch (error) {
    refuse(worker, socket, packet, error);
  }
}

/** A packet nested too deep is not handled; an invoke among them gets an error. */
function refuseTooDeep(socket: ServerSocket, packet: unknown): void {
  const cid = (packet as { cid?: unknown } | null)?.cid;
  if (typeof cid !== "number") return;
  socket.respondError(cid, namedError(ErrorName.InvalidMessage, `The packet nests deeper than ${maxNesting} levels`));
}

function refuse(worker: SocketWorker, socket: ServerSocket, packet: Inbound, error: unknown): void {
  worker.log.debug("Packet refused", { socket: socket.id, error: String(error) });
  const cid = (packet as { cid?: number }).cid;
  if (cid === undefined) return;
  socket.send({ rid: cid, error: dehydrateError(namedError(ErrorName.InvalidMessage,
    `The ${packet.kind} packet could not be handled: ${(error as Error)?.message ?? error}`)) });
}

/** SocketCluster checks the token's exp on pongs and packets; so do we. */
function checkExpiry(socket: ServerSocket): void {
  const exp = socket.authToken?.exp;
  if (typeof exp === "number" && exp * 1000 <= Date.now()) socket.deauthenticate();
}
