/**
 * An event packet from the server: a publication, a kick-out, a presence join or leave, an auth token change, or
 * the app's own transmit (to `receiver`/`onReceive`) or invoke (to `procedure`/`onInvoke`).
 * Only a numeric `cid` makes an invoke, as in socketcluster-client v18+.
 *
 * @example
 * handleServerEvent(target, { event: "#publish", data: { channel: "chat", data: "hi" } }, reply);
 */
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { type EventPacket, Reserved } from "../protocol/packets.ts";
import type { Subscriptions } from "./Subscriptions.ts";

/** What handling a server event needs from the socket. */
export interface ServerEventTarget {
  readonly channels: Subscriptions;
  emit(name: string, value?: unknown): void;
  has(name: string): boolean;
  /** Adopt and store a token from #setAuthToken. */
  setAuthToken(signedAuthToken: string): void;
  /** Forget and unstore the token, for #removeAuthToken. */
  removeAuthToken(): void;
}

/** Answers the invoke with `rid` on the connection it came from. */
export type Reply = (rid: number, data?: unknown, error?: unknown) => void;

/** A server invoke waiting for this client's answer, as `procedure(event)` yields it. */
export interface ServerRequest<T = any> {
  data: T;
  end(reply?: unknown): void;
  error(error: unknown): void;
}

export function handleServerEvent(target: ServerEventTarget, packet: EventPacket, reply: Reply): void {
  const { event, data } = packet as { event: string; data?: any };
  const cid = typeof packet.cid === "number" ? packet.cid : undefined;
  switch (event) {
    case Reserved.publish:
      if (typeof data?.channel === "string") target.channels.deliver(data.channel, data.data, data.offset, data.epoch);
      return;
    case Reserved.join:
    case Reserved.leave:
      if (typeof data?.channel === "string") target.channels.presenceEvent(data.channel, event === Reserved.join, data.member);
      return;
    case Reserved.kickOut:
      if (typeof data?.channel === "string") target.channels.kickOut(data.channel, data.message);
      return;
    case Reserved.setAuthToken:
      if (typeof data?.token !== "string") {
        if (cid !== undefined) reply(cid, undefined, namedError(ErrorName.InvalidMessage, "No token data provided by #setAuthToken event"));
        return;
      }
      target.setAuthToken(data.token);
      if (cid !== undefined) reply(cid);
      return;
    case Reserved.removeAuthToken:
      target.removeAuthToken();
      if (cid !== undefined) reply(cid);
      return;
  }
  if (cid === undefined) return target.emit(`transmit:${event}`, data);
  if (!target.has(`invoke:${event}`)) {
    // socketcluster-client stays silent and lets the server time out; naming the problem is kinder.
    return reply(cid, undefined, namedError(ErrorName.NoProcedure, `No procedure is registered for "${event}"`));
  }
  let answered = false;
  const request: ServerRequest = {
    data,
    end: (value?: unknown) => {
      if (!answered) reply(cid, value);
      answered = true;
    },
    error: (error: unknown) => {
      if (!answered) reply(cid, undefined, error);
      answered = true;
    },
  };
  target.emit(`invoke:${event}`, request);
}
