/**
 * One packet of an open socket: route it to the channel, auth or RPC handling. Returns a
 * promise only when something had to wait (middleware, broker), so the hot path stays sync.
 *
 * @example
 * handlePacket(worker, socket, classify(decoded));
 */
import type { Inbound } from "../protocol/frames.ts";
import { dehydrateError } from "../protocol/dehydrate.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import type { ServerSocket } from "./ServerSocket.ts";
import type { SocketWorker } from "./SocketWorker.ts";
import { runMiddleware } from "./middleware.ts";
import { handleChannelPacket } from "./handleChannelPacket.ts";
import { handleAuthPacket } from "./handleAuthPacket.ts";
import { handleHistory } from "./handleHistory.ts";
import { handlePresence } from "./handlePresence.ts";
import { Reserved } from "../protocol/packets.ts";
import { checkInput, checkOutput, checkTransmit } from "./contractsGate.ts";

export function handlePacket(worker: SocketWorker, socket: ServerSocket, packet: Inbound): Promise<void> | void {
  switch (packet.kind) {
    case "subscribe":
    case "unsubscribe":
    case "publish":
      return handleChannelPacket(worker, socket, packet);
    case "authenticate":
    case "removeAuthToken":
      return handleAuthPacket(worker, socket, packet);
    case "response":
      return socket.settle(packet.rid, packet.data, packet.error);
    case "handshake":
      if (packet.cid !== undefined) {
        socket.send({ rid: packet.cid, error: dehydrateError(namedError(ErrorName.InvalidAction, "The handshake is already complete")) });
      }
      return;
    case "invoke":
      if (packet.event === Reserved.history) return handleHistory(worker, socket, packet.cid, packet.data);
      if (packet.event === Reserved.presence || packet.event === Reserved.presenceStats) {
        return handlePresence(worker, socket, packet.cid, packet.data, packet.event === Reserved.presenceStats);
      }
      return invoke(worker, socket, packet);
    case "transmit":
      return transmit(worker, socket, packet);
    case "raw":
      return;
  }
}

function invoke(worker: SocketWorker, socket: ServerSocket, packet: Extract<Inbound, { kind: "invoke" }>): Promise<void> | void {
  const action = { type: "invoke" as const, socket, procedure: packet.event, data: packet.data };
  const blocked = runMiddleware("inbound", worker.middlewares.inbound, action);
  const run = (error: Error | null) => {
    if (error) return socket.send({ rid: packet.cid, error: dehydrateError(error) });
    const handler = worker.procedures.get(packet.event);
    if (!handler) {
      return socket.send({ rid: packet.cid, error: dehydrateError(
        namedError(ErrorName.NoProcedure, `No procedure is registered for "${packet.event}"`)) });
    }
    const input = checkInput(worker, packet.event, action.data);
    if (!input.ok) return socket.respondError(packet.cid, input.error);
    // Procedures run concurrently: the socket's next packet does not wait for the reply.
    Promise.resolve().then(() => handler(input.data, socket)).then(
      (data) => {
        const output = checkOutput(worker, packet.event, data);
        if (output.ok) return socket.respond(packet.cid, output.data);
        worker.log.warn("Procedure output failed its contract", { procedure: packet.event, error: output.error.message });
        socket.respondError(packet.cid, output.error);
      },
      (thrown) => {
        worker.log.warn("Procedure threw", { procedure: packet.event, socket: socket.id, error: String(thrown?.stack ?? thrown) });
        socket.respondError(packet.cid, thrown);
      },
    );
  };
  return blocked instanceof Promise ? blocked.then(run) : run(blocked);
}

function transmit(worker: SocketWorker, socket: ServerSocket, packet: Extract<Inbound, { kind: "transmit" }>): Promise<void> | void {
  const action = { type: "transmit" as const, socket, receiver: packet.event, data: packet.data };
  const blocked = runMiddleware("inbound", worker.middlewares.inbound, action);
  const run = (error: Error | null) => {
    const handler = worker.receivers.get(packet.event);
    if (error || !handler) return;
    const checked = checkTransmit(worker, packet.event, action.data);
    // A transmit has no reply: an invalid one is dropped and logged.
    if (!checked.ok) return worker.log.debug("Transmit refused", { receiver: packet.event, socket: socket.id, error: checked.error.message });
    const failed = (thrown: unknown) =>
      worker.log.warn("Receiver threw", { receiver: packet.event, socket: socket.id, error: String((thrown as Error)?.stack ?? thrown) });
    try {
      const result = handler(checked.data, socket) as unknown;
      if (result instanceof Promise) result.catch(failed);
    } catch (thrown) {
      failed(thrown);
    }
  };
  return blocked instanceof Promise ? blocked.then(run) : run(blocked);
}
