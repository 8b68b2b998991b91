/**
 * The two Lua scripts of the Redis history store. Per channel: a stream `<prefix>h:<ch>`
 * whose entry ids are `<offset>-0` (fields t: Redis time in ms, d: the data's JSON
 * text, "" for none), trimmed to `size` exactly, and a hash `<prefix>m:<ch>` holding the
 * epoch (e) and the latest offset (o). Both keys expire `ttl` after the last append, so
 * an idle channel is forgotten and its next publication starts a new epoch (the caller
 * gives a fresh random one; it is used only when the hash is absent).
 *
 * APPEND (KEYS stream, meta; ARGV epoch, json, size, ttlMs, pub/sub channel): assigns the
 * next offset, appends, trims, expires, and PUBLISHes `#<offset>:<epoch>:<json>` (with
 * ARGV[6], a client to skip: `#<offset>:<epoch>:\0<skip>\0<json>`) to the
 * channel's pub/sub channel in the same atomic step, so every host receives a channel's
 * publications in offset order. Returns {offset, epoch}.
 *
 * READ (KEYS stream, meta; ARGV epoch, ttlMs, limit, since offset or "", since epoch):
 * returns {epoch, offset, complete (0/1), offset1, json1, offset2, json2, ...}: without
 * `since` the latest `limit` entries younger than ttl; with it, the first `limit` after
 * it. A channel with no history gets its hash (offset 0) so its epoch stays put.
 *
 * RANGE (below) reads what pub/sub missed, for the engine's gap filling.
 *
 * @example
 * await send(channel, ["EVALSHA", appendSha, "2", streamKey, metaKey, epoch, json, "100", "600000", pubsubChannel]);
 */
import { createHash } from "node:crypto";

const meta = `
local epoch = redis.call('HGET', KEYS[2], 'e')
local offset
`;

/** APPEND, as described above. */
export const appendScript = `${meta}
if epoch then
  offset = redis.call('HINCRBY', KEYS[2], 'o', 1)
else
  epoch = ARGV[1]
  offset = 1
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'e', epoch, 'o', 1)
end
local t = redis.call('TIME')
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], offset .. '-0', 't', t[1] * 1000 + math.floor(t[2] / 1000), 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local skip = ''
if ARGV[6] and ARGV[6] ~= '' then skip = '\\0' .. ARGV[6] .. '\\0' end
redis.call('PUBLISH', ARGV[5], '#' .. offset .. ':' .. epoch .. ':' .. skip .. ARGV[2])
return {offset, epoch}
`;

/** READ, as described above. */
export const readScript = `${meta}
if epoch then
  offset = tonumber(redis.call('HGET', KEYS[2], 'o'))
else
  epoch = ARGV[1]
  offset = 0
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'e', epoch, 'o', 0)
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
local t = redis.call('TIME')
local oldest = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local out = {epoch, offset, 0}
local function fresh(entry) return tonumber(entry[2][2]) >= oldest end
local function put(entry)
  out[#out + 1] = tonumber(string.match(entry[1], '^%d+'))
  out[#out + 1] = entry[2][4]
end
if ARGV[4] == '' then
  if limit > 0 then
    local entries = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', limit)
    local n = 0
    while n < #entries and fresh(entries[n + 1]) do n = n + 1 end
    for i = n, 1, -1 do put(entries[i]) end
  end
  return out
end
local since = tonumber(ARGV[4])
if ARGV[5] ~= epoch or since > offset then return out end
if since == offset then
  out[3] = 1
  return out
end
local from = since + 1
local first = true
while true do
  local entries = redis.call('XRANGE', KEYS[1], from .. '-0', '+', 'COUNT', math.max(limit, 1))
  if #entries == 0 then return out end
  local n = 0
  while n < #entries and not fresh(entries[n + 1]) do n = n + 1 end
  if first and n == 0 and tonumber(string.match(entries[1][1], '^%d+')) == from then out[3] = 1 end
  first = false
  if n == 0 then
    for i = 1, math.min(#entries, limit) do put(entries[i]) end
    return out
  end
  -- An expired prefix: read again from the first fresh entry (or past this batch).
  local next = entries[math.min(n + 1, #entries)]
  from = tonumber(string.match(next[1], '^%d+')) + (n == #entries and 1 or 0)
end
`;

/** RANGE (KEYS stream, meta; ARGV from offset, count): {epoch, offset1, json1, ...}, {} without history. */
export const rangeScript = `
local epoch = redis.call('HGET', KEYS[2], 'e')
if not epoch then return {} end
local out = {epoch}
for _, entry in ipairs(redis.call('XRANGE', KEYS[1], ARGV[1] .. '-0', '+', 'COUNT', ARGV[2])) do
  out[#out + 1] = tonumber(string.match(entry[1], '^%d+'))
  out[#out + 1] = entry[2][4]
end
return out
`;

/** The SHA-1 that EVALSHA names a script by: `sha1(appendScript)`. */
export function sha1(script: string): string {
  return createHash("sha1").update(script).digest("hex");
}
