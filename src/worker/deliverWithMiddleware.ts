/**
 * Local fan-out when outbound middleware exists: each subscriber's publishOut action runs
 * on its own, may drop the delivery for that socket only or replace its data, and keeps
 * that socket's deliveries in publish order even when the middleware is async. The data
 * is decoded from the publication's JSON once per publication, not per socket. A session
 * of another protocol (Pusher) gets its protocol's frame, made once per publication too;
 * the publication's `skip` client gets nothing.
 *
 * @example
 * deliverWithMiddleware(worker, sockets, { name: "chat", wire: false }, pub, frame);
 */
import type { ServerSocket } from "./ServerSocket.ts";
import { type Codec, type Frame, jsonCodec } from "../protocol/codec.ts";
import type { Publication } from "../protocol/publication.ts";
import { type Middleware, type PublishOutAction, runMiddleware } from "./middleware.ts";
import type { SessionProtocol } from "./sessions/SessionProtocol.ts";

/** What fan-out needs from its worker. */
export interface FanoutHost {
  readonly codec: Codec;
  readonly middlewares: { outbound: Middleware<"outbound">[] };
}

const outboundChains = new WeakMap<ServerSocket, Promise<void>>();

export function deliverWithMiddleware(
  host: FanoutHost, sockets: Iterable<ServerSocket>, channel: { name: string; wire: boolean }, pub: Publication, frame: Frame,
): void {
  let decoded = false;
  let data: unknown;
  let foreign: Map<SessionProtocol, string> | null = null;
  const frameFor = (protocol: SessionProtocol | null): Frame => {
    if (!protocol) return frame;
    let text = (foreign ??= new Map()).get(protocol);
    if (text === undefined) foreign.set(protocol, text = protocol.publicationFrame(pub));
    return text;
  };
  for (const socket of sockets) {
    if (pub.skip !== undefined && socket.id === pub.skip) continue;
    if (!decoded) {
      data = pub.json === undefined ? undefined : JSON.parse(pub.json);
      decoded = true;
    }
    const action: PublishOutAction = { type: "publishOut", socket, channel: channel.name, data };
    const send = (blocked: Error | null) => {
      if (blocked || !socket.channels.has(channel.name)) return;
      if (action.data === data) return socket.send(frameFor(socket.protocol));
      const json = action.data === undefined ? undefined : jsonCodec.encode(action.data);
      if (socket.protocol) return socket.send(socket.protocol.publicationFrame({ ...pub, json }));
      socket.send(channel.wire ? host.codec.publishFrame(pub.ch, json, pub.offset, pub.epoch) : host.codec.publishFrame(pub.ch, json));
    };
    const run = () => runMiddleware("outbound", host.middlewares.outbound, action);
    const previous = outboundChains.get(socket);
    let next: Promise<void>;
    if (previous) {
      next = previous.then(async () => send(await run()));
    } else {
      const result = run();
      if (!(result instanceof Promise)) {
        send(result);
        continue;
      }
      next = result.then(send);
    }
    const tracked: Promise<void> = next.finally(() => {
      if (outboundChains.get(socket) === tracked) outboundChains.delete(socket);
    });
    outboundChains.set(socket, tracked);
  }
}
