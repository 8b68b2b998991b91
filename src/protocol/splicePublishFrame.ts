/**
 * A `#publish` frame spliced from a publication's parts: exactly the text
 * `jsonCodec.encode({ event: "#publish", data: { channel, data, offset?, epoch? } })`
 * gives, without building or walking an object. `json` is the data as JSON text
 * (undefined: no data key); `offset`/`epoch` go on the wire where `position` is set.
 *
 * @example
 * splicePublishFrame("chat/1", '"hi"', 7, "x9f2");
 * // '{"event":"#publish","data":{"channel":"chat/1","data":"hi","offset":7,"epoch":"x9f2"}}'
 */
export function splicePublishFrame(channel: string, json: string | undefined, offset?: number, epoch?: string): string {
  let frame = '{"event":"#publish","data":{"channel":' + JSON.stringify(channel);
  if (json !== undefined) frame += ',"data":' + json;
  if (offset !== undefined) frame += ',"offset":' + offset + ',"epoch":' + JSON.stringify(epoch);
  return frame + "}}";
}
