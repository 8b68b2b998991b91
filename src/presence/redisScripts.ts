/**
 * The Lua scripts of the Redis presence store. Keys (prefix `P`, channel `ch`, host `h`):
 * - `Pp:ch`   hash client → `<h>|<announce 0/1><member JSON>`: the members, tagged with their host
 * - `Ppu:ch`  hash user → connections of that user in the channel (`#presenceStats` users = HLEN)
 * - `Pph:h`   set of `<client>\n<ch>`: what host h registered, for the sweep
 * - `Ppalive:h` expiring key refreshed by host h's heartbeat; `Pphosts` set of hosts
 * - `Ppswept:h` set when host h's members were swept (its heartbeat stopped, or Redis was
 *   out of its reach past the ttl): host h's next heartbeat sees it and registers its
 *   members again
 * Join/leave events go to the channel's pub/sub channel (`P` + ch) as `!1<member JSON>` /
 * `!0<member JSON>`, in the same script as the change. A removal deletes the hash field
 * first and only then announces, so when two hosts race to remove one member only the
 * one whose HDEL removed it sends the leave.
 *
 * @example
 * send(ch, ["EVAL", addScript, "0", prefix, ch, client, host, "1", memberJson, user]);
 */

/** Remove one member (optionally only when tagged with `onlyHost`); returns its JSON or false. */
const removeFunction = `
local function removeMember(prefix, ch, client, onlyHost)
  local value = redis.call('HGET', prefix .. 'p:' .. ch, client)
  if not value then return false end
  local bar = string.find(value, '|', 1, true)
  local host = string.sub(value, 1, bar - 1)
  if onlyHost ~= '' and host ~= onlyHost then return false end
  if redis.call('HDEL', prefix .. 'p:' .. ch, client) == 0 then return false end
  redis.call('SREM', prefix .. 'ph:' .. host, client .. '\\n' .. ch)
  local announce = string.sub(value, bar + 1, bar + 1)
  local json = string.sub(value, bar + 2)
  local user = cjson.decode(json).user
  if type(user) == 'string' then
    if redis.call('HINCRBY', prefix .. 'pu:' .. ch, user, -1) <= 0 then redis.call('HDEL', prefix .. 'pu:' .. ch, user) end
  end
  if announce == '1' then redis.call('PUBLISH', prefix .. ch, '!0' .. json) end
  return json
end
`;

/**
 * ARGV: prefix, ch, client, host, announce, member JSON, user ('' for none), liveness ms.
 * Returns 1 for a join, 0 when the client was there. Also marks the host alive.
 */
export const addScript = `
local prefix, ch, client, host, announce, json, user = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
redis.call('SET', prefix .. 'palive:' .. host, '1', 'PX', ARGV[8])
redis.call('SADD', prefix .. 'phosts', host)
local old = redis.call('HGET', prefix .. 'p:' .. ch, client)
redis.call('HSET', prefix .. 'p:' .. ch, client, host .. '|' .. announce .. json)
redis.call('SADD', prefix .. 'ph:' .. host, client .. '\\n' .. ch)
if old then
  local oldHost = string.sub(old, 1, string.find(old, '|', 1, true) - 1)
  if oldHost ~= host then redis.call('SREM', prefix .. 'ph:' .. oldHost, client .. '\\n' .. ch) end
  return 0
end
if user ~= '' then redis.call('HINCRBY', prefix .. 'pu:' .. ch, user, 1) end
if announce == '1' then redis.call('PUBLISH', prefix .. ch, '!1' .. json) end
return 1
`;

/** ARGV: prefix, ch, client. Returns the removed member's JSON, or false. */
export const removeScript = removeFunction + `
return removeMember(ARGV[1], ARGV[2], ARGV[3], '')
`;

/** ARGV: prefix, ch, limit. Returns false above the limit, else the stored values. */
export const membersScript = `
local key = ARGV[1] .. 'p:' .. ARGV[2]
if redis.call('HLEN', key) > tonumber(ARGV[3]) then return false end
return redis.call('HVALS', key)
`;

/** ARGV: prefix, ch. Returns { clients, users }. */
export const statsScript = `
return { redis.call('HLEN', ARGV[1] .. 'p:' .. ARGV[2]), redis.call('HLEN', ARGV[1] .. 'pu:' .. ARGV[2]) }
`;

/**
 * The heartbeat. ARGV: prefix, host, liveness ms, drop ('1': this host leaves now, its
 * members removed). Refreshes this host's liveness, then removes every member of each
 * host whose liveness key is gone (with leave events). Returns { removed, swept }: swept 1
 * when this host's own members had been swept meanwhile (it must register them again).
 */
export const beatScript = removeFunction + `
local prefix, me, liveness, drop = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local removed = 0
local function sweep(host, mark)
  for _, entry in ipairs(redis.call('SMEMBERS', prefix .. 'ph:' .. host)) do
    local nl = string.find(entry, '\\n', 1, true)
    if removeMember(prefix, string.sub(entry, nl + 1), string.sub(entry, 1, nl - 1), host) then removed = removed + 1 end
  end
  redis.call('DEL', prefix .. 'ph:' .. host)
  redis.call('SREM', prefix .. 'phosts', host)
  if mark then redis.call('SET', prefix .. 'pswept:' .. host, '1', 'EX', '86400') end
end
local swept = 0
if drop == '1' then
  redis.call('DEL', prefix .. 'palive:' .. me)
  sweep(me, false)
else
  swept = redis.call('DEL', prefix .. 'pswept:' .. me)
  redis.call('SET', prefix .. 'palive:' .. me, '1', 'PX', liveness)
  redis.call('SADD', prefix .. 'phosts', me)
end
for _, host in ipairs(redis.call('SMEMBERS', prefix .. 'phosts')) do
  if host ~= me and redis.call('EXISTS', prefix .. 'palive:' .. host) == 0 then sweep(host, true) end
end
return { removed, swept }
`;
