/**
 * SocketCluster's sc-codec-min-bin format, for the official client configured with
 * `codecEngine: require("sc-codec-min-bin")`: MessagePack (bin values as bytes), with each
 * packet's keys shortened. `{event:"#publish", data:{channel, data}, cid}` is
 * `{p:[channel, data, cid?]}`, any other event `{e:[event, data, cid?]}`, a response
 * `{r:[rid, error, data]}`; other keys stay. On history channels scx appends offset and
 * epoch to `p` (`[channel, data, null, offset, epoch]`): the original client ignores them.
 *
 * @example
 * minBinCodec.encode({ rid: 1, data: "ok" }); // bytes of {"r":[1,null,"ok"]}
 */
import type { Codec } from "./codec.ts";
import { packr, publicationData, unpackFrame } from "./msgpackCodec.ts";

type Packet = Record<string, unknown>;

/** The original's compressSinglePacket: publish, then emit, then response, on a copy. */
function compress(packet: unknown): unknown {
  if (packet === null || typeof packet !== "object" || Array.isArray(packet)) return packet;
  const object: Packet = { ...(packet as Packet) };
  if (object.event === "#publish" && object.data != null) {
    const { channel, data } = object.data as Packet;
    object.p = object.cid != null ? [channel, data, object.cid] : [channel, data];
    delete object.event, delete object.data, delete object.cid;
  }
  if (object.event != null) {
    object.e = object.cid != null ? [object.event, object.data, object.cid] : [object.event, object.data];
    delete object.event, delete object.data, delete object.cid;
  }
  if (object.rid != null) {
    object.r = [object.rid, object.error, object.data];
    delete object.rid, delete object.error, delete object.data;
  }
  return object;
}

function expand(packet: unknown): unknown {
  if (packet === null || typeof packet !== "object" || Array.isArray(packet)) return packet;
  const object = packet as Packet;
  const { e, p, r } = object;
  if (Array.isArray(e)) {
    delete object.e;
    object.event = e[0];
    object.data = e[1];
    if (e[2] != null) object.cid = e[2];
  }
  if (Array.isArray(p)) {
    delete object.p;
    object.event = "#publish";
    object.data = p[3] != null ? { channel: p[0], data: p[1], offset: p[3], epoch: p[4] } : { channel: p[0], data: p[1] };
    if (p[2] != null) object.cid = p[2];
  }
  if (Array.isArray(r)) {
    delete object.r;
    object.rid = r[0];
    object.error = r[1];
    object.data = r[2];
  }
  return object;
}

export const minBinCodec: Codec = {
  name: "sc-codec-min-bin",
  binary: true,
  decode(frame) {
    const value = unpackFrame(frame);
    if (typeof frame === "string") return value;
    return Array.isArray(value) ? value.map(expand) : expand(value);
  },
  encode(value) {
    const packets = Array.isArray(value) ? value.map(compress) : value;
    return packr.pack(Array.isArray(value) ? packets : compress(value));
  },
  publishFrame(channel, json, offset, epoch) {
    const data = publicationData(json);
    return packr.pack({ p: offset === undefined ? [channel, data] : [channel, data, null, offset, epoch] });
  },
};
