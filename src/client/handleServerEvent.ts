/**
 * An event packet from the server: a publication, a kick-out, an auth token change, or
 * the app's own transmit or invoke.
 *
 * @example
 * handleServerEvent(socket, { event: "#publish", data: { channel: "chat", data: "hi" } });
 */
import { ErrorName, namedError } from "../protocol/errorNames.ts";
import { Reserved } from "../protocol/packets.ts";
import type { ClientSocket } from "./ClientSocket.ts";

export function handleServerEvent(socket: ClientSocket, packet: { event: string; data?: any; cid?: number }): void {
  const { event, data, cid } = packet;
  switch (event) {
    case Reserved.publish: {
      socket.channels.get(data?.channel)?.deliver(data.data);
      return;
    }
    case Reserved.kickOut: {
      const channel = socket.channels.get(data?.channel);
      if (!channel) return;
      socket.channels.delete(channel.name);
      channel.setState("unsubscribed", "kickOut", { channel: channel.name, message: data.message });
      socket.emit("kickOut", { channel: channel.name, message: data.message });
      return;
    }
    case Reserved.setAuthToken: {
      const token = data?.token;
      if (typeof token !== "string") {
        if (cid !== undefined) socket.reply(cid, undefined, namedError(ErrorName.InvalidMessage, "No token data provided by #setAuthToken event"));
        return;
      }
      void socket.options.authEngine.saveToken(socket.options.authTokenName, token);
      socket.setToken(token);
      if (cid !== undefined) socket.reply(cid, undefined);
      return;
    }
    case Reserved.removeAuthToken: {
      void socket.options.authEngine.removeToken(socket.options.authTokenName);
      socket.emit("removeAuthToken", { oldAuthToken: socket.signedAuthToken });
      socket.clearToken();
      if (cid !== undefined) socket.reply(cid, undefined);
      return;
    }
  }
  if (cid === undefined) {
    socket.emit(`transmit:${event}`, data);
    return;
  }
  if (!socket.has(`invoke:${event}`)) {
    socket.reply(cid, undefined, namedError(ErrorName.NoProcedure, `No procedure is registered for "${event}"`));
    return;
  }
  // One handler answers; it is called through the listener set so onInvoke stays one line.
  let answered = false;
  socket.emit(`invoke:${event}`, {
    data,
    end: (reply?: unknown) => { if (!answered) { answered = true; socket.reply(cid, reply); } },
    error: (error: unknown) => { if (!answered) { answered = true; socket.reply(cid, undefined, error); } },
  });
}
