/**
 * The text of one Redis pub/sub message, one publication each, cheap to make and read:
 * - ephemeral: `<hostId><json>`: the publishing host's id (16 hex characters) so that
 *   host skips its own echo, then the data's JSON text (empty when there is none); with a
 *   `skip` client (a Pusher socket_id the HTTP API excludes, whose connection may be on
 *   another host) `<hostId>\0<skip>\0<json>` (JSON text never starts with NUL);
 * - kept (history / latest): `#<offset>:<epoch>:<json>`, made by the history store's Lua
 *   script in Redis. No host id: every host, the publisher's included, delivers it from
 *   the pub/sub stream, so each sees one channel's offsets in one order; a skip rides as
 *   `#<offset>:<epoch>:\0<skip>\0<json>`.
 * JSON text is never empty, so "" stands for no data. Epochs never contain ":".
 *
 * @example
 * encodeEphemeral(hostId, { ch: "chat", json: '"hi"' }); // hostId + '"hi"'
 * decodeMessage("#7:x9f2:\"hi\"", "chat", hostId); // { ch: "chat", json: '"hi"', offset: 7, epoch: "x9f2" }
 */
import type { Publication } from "../protocol/publication.ts";

/** Characters of the host id that starts an ephemeral message. */
export const hostIdLength = 16;

/** The message for an ephemeral publication: `encodeEphemeral(hostId, pub)`. */
export function encodeEphemeral(hostId: string, pub: Publication): string {
  if (pub.skip !== undefined) return `${hostId}\u0000${pub.skip}\u0000${pub.json ?? ""}`;
  return pub.json === undefined ? hostId : hostId + pub.json;
}

/** The publication a message carries; null for this host's own ephemeral echo: `decodeMessage(text, ch, hostId)`. */
export function decodeMessage(message: string, ch: string, hostId: string): Publication | null {
  if (message.charCodeAt(0) === 35 /* # */) {
    const colon = message.indexOf(":", 1);
    const colon2 = message.indexOf(":", colon + 1);
    const kept = { ch, offset: Number(message.slice(1, colon)), epoch: message.slice(colon + 1, colon2) };
    if (message.charCodeAt(colon2 + 1) === 0) {
      const end = message.indexOf("\u0000", colon2 + 2);
      const json = message.slice(end + 1);
      return { ...kept, json: json === "" ? undefined : json, skip: message.slice(colon2 + 2, end) };
    }
    const json = message.slice(colon2 + 1);
    return { ch, json: json === "" ? undefined : json, offset: kept.offset, epoch: kept.epoch };
  }
  if (message.startsWith(hostId)) return null;
  if (message.charCodeAt(hostIdLength) === 0) {
    const end = message.indexOf("\u0000", hostIdLength + 1);
    const json = message.slice(end + 1);
    return { ch, json: json === "" ? undefined : json, skip: message.slice(hostIdLength + 1, end) };
  }
  const json = message.slice(hostIdLength);
  return { ch, json: json === "" ? undefined : json };
}
