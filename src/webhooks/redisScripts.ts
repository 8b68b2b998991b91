/**
 * The Lua scripts of the Redis webhook store. Keys of target `t` (prefix `P`, `B` =
 * `Pwh:t:`):
 * - `Bq:<lane>`  list of event JSON, oldest first
 * - `Bready`     zset lane → epoch ms from which it may be claimed (a lease or a backoff
 *                moves it later; a lane whose holder died comes back when its lease ends)
 * - `Btok`       hash lane → token of the lease holder
 * - `Bmeta`      hash lane → `<attempts>:<since>` of a lane that is backing off
 * - `Bn`         events the target holds (the bounded queue)
 * - `Bocc:<ch>`  set of hosts occupying the channel; `Bhch:<host>` the channels a host occupies
 * - `Bvac:<ch>`  token of a pending vacate; `Bvacs` zset channel → when it is due (Redis time)
 * - `Bhosts`     zset host → when its liveness ends (Redis time), refreshed by its beat
 * - `Bu:<ch>`    hash user → connections on every host; `Bhu:<host>` hash `<ch>\n<user>` →
 *                that host's connections (a dead host's are taken off by the sweep)
 * Every change is one script, so hosts racing on one lane or channel see one order.
 *
 * @example
 * send(key, ["EVAL", pushScript, "0", base, "100000", "chat", "1", eventJson]);
 */

/** ARGV: base, limit, then per lane: name, count, events… Returns the events refused. */
export const pushScript = `
local base, limit = ARGV[1], tonumber(ARGV[2])
local held = tonumber(redis.call('GET', base .. 'n') or '0')
local refused, i = 0, 3
while i <= #ARGV do
  local lane, count = ARGV[i], tonumber(ARGV[i + 1])
  local taken = 0
  for j = 1, count do
    if held < limit then
      redis.call('RPUSH', base .. 'q:' .. lane, ARGV[i + 1 + j])
      held = held + 1
      taken = taken + 1
    else
      refused = refused + 1
    end
  end
  if taken > 0 then redis.call('ZADD', base .. 'ready', 'NX', 0, lane) end
  i = i + 2 + count
end
redis.call('SET', base .. 'n', held)
return refused
`;

/** ARGV: base, now, max, leaseMs, token. Returns lane, token, meta, {events} per claimed lane. */
export const claimScript = `
local base, now, max, leaseMs, token = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local lanes = redis.call('ZRANGEBYSCORE', base .. 'ready', '-inf', now, 'LIMIT', 0, max)
local out, total = {}, 0
for _, lane in ipairs(lanes) do
  if total >= max then break end
  local meta = redis.call('HGET', base .. 'meta', lane)
  -- A lane that failed goes alone, so a channel the receiver rejects holds back no other.
  if not (meta and #out > 0) then
  local events = redis.call('LRANGE', base .. 'q:' .. lane, 0, max - total - 1)
  if #events == 0 then
    redis.call('ZREM', base .. 'ready', lane)
    redis.call('HDEL', base .. 'tok', lane)
    redis.call('HDEL', base .. 'meta', lane)
  else
    redis.call('ZADD', base .. 'ready', now + leaseMs, lane)
    redis.call('HSET', base .. 'tok', lane, token)
    table.insert(out, lane)
    table.insert(out, token)
    table.insert(out, meta or '0:0')
    table.insert(out, events)
    total = total + #events
    if meta then break end
  end
  end
end
return out
`;

/** ARGV: base, lane, token, count. Removes the first count events when token holds the lease. */
export const ackScript = `
local base, lane, token, count = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
if redis.call('HGET', base .. 'tok', lane) ~= token then return 0 end
redis.call('HDEL', base .. 'tok', lane)
redis.call('HDEL', base .. 'meta', lane)
local before = redis.call('LLEN', base .. 'q:' .. lane)
redis.call('LTRIM', base .. 'q:' .. lane, count, -1)
local left = redis.call('LLEN', base .. 'q:' .. lane)
redis.call('DECRBY', base .. 'n', before - left)
if left == 0 then redis.call('ZREM', base .. 'ready', lane)
else redis.call('ZADD', base .. 'ready', 0, lane) end
return 1
`;

/** ARGV: base, lane, token, at, attempts, since. Frees the lane until at. */
export const retryScript = `
local base, lane, token = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', base .. 'tok', lane) ~= token then return 0 end
redis.call('HDEL', base .. 'tok', lane)
redis.call('HSET', base .. 'meta', lane, ARGV[5] .. ':' .. ARGV[6])
redis.call('ZADD', base .. 'ready', ARGV[4], lane)
return 1
`;

/** ARGV: base, ch, host. Returns 1 when the channel became occupied (no vacate pending). */
export const occupyScript = `
local base, ch, host = ARGV[1], ARGV[2], ARGV[3]
if redis.call('SADD', base .. 'occ:' .. ch, host) == 0 then return 0 end
redis.call('SADD', base .. 'hch:' .. host, ch)
if redis.call('SCARD', base .. 'occ:' .. ch) > 1 then return 0 end
redis.call('ZREM', base .. 'vacs', ch)
if redis.call('DEL', base .. 'vac:' .. ch) == 1 then return 0 end
return 1
`;

/** Redis time in ms (every host's deadlines on one clock). */
const nowFunction = `
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/** A host leaves a channel; the last one makes a pending vacate, due after delay. Returns true if it did. */
const leaveFunction = `
local function leave(base, ch, host, token, delay, now)
  if redis.call('SREM', base .. 'occ:' .. ch, host) == 0 then return false end
  if redis.call('SCARD', base .. 'occ:' .. ch) > 0 then return false end
  redis.call('SET', base .. 'vac:' .. ch, token, 'PX', delay + 3600000)
  redis.call('ZADD', base .. 'vacs', now + delay, ch)
  return true
end
`;

/** ARGV: base, ch, host, token, delay ms. Returns the token when the last host left, else false. */
export const vacateScript = nowFunction + leaveFunction + `
local base, ch, host = ARGV[1], ARGV[2], ARGV[3]
redis.call('SREM', base .. 'hch:' .. host, ch)
if leave(base, ch, host, ARGV[4], tonumber(ARGV[5]), nowMs()) then return ARGV[4] end
return false
`;

/**
 * ARGV: base, host, ttl ms, vacate delay ms, grace ms. Keeps the host alive; removes dead
 * hosts from their channels and their connections from the member counts; returns
 * { channels whose pending vacate is past due + grace (taken: nobody else gets them),
 * `<ch>\n<user>` of users who had their last connection on a dead host }.
 */
export const beatScript = nowFunction + leaveFunction + `
local base, host, ttl, delay, grace = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local now = nowMs()
redis.call('ZADD', base .. 'hosts', now + ttl, host)
local left = {}
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', base .. 'hosts', '-inf', now)) do
  for _, ch in ipairs(redis.call('SMEMBERS', base .. 'hch:' .. dead)) do leave(base, ch, dead, 'swept', delay, now) end
  local held = redis.call('HGETALL', base .. 'hu:' .. dead)
  for i = 1, #held, 2 do
    local at = string.find(held[i], '\\n', 1, true)
    local ch, user = string.sub(held[i], 1, at - 1), string.sub(held[i], at + 1)
    if redis.call('HINCRBY', base .. 'u:' .. ch, user, -tonumber(held[i + 1])) <= 0 then
      redis.call('HDEL', base .. 'u:' .. ch, user)
      table.insert(left, held[i])
    end
  end
  redis.call('DEL', base .. 'hch:' .. dead, base .. 'hu:' .. dead)
  redis.call('ZREM', base .. 'hosts', dead)
end
local out = {}
for _, ch in ipairs(redis.call('ZRANGEBYSCORE', base .. 'vacs', '-inf', now - grace, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', base .. 'vacs', ch)
  if redis.call('DEL', base .. 'vac:' .. ch) == 1 and redis.call('SCARD', base .. 'occ:' .. ch) == 0 then table.insert(out, ch) end
end
return { out, left }
`;

/** ARGV: base, ch, token. Returns 1 once when that vacate still stands. */
export const vacatedScript = `
local base, ch, token = ARGV[1], ARGV[2], ARGV[3]
if redis.call('GET', base .. 'vac:' .. ch) ~= token then return 0 end
redis.call('DEL', base .. 'vac:' .. ch)
redis.call('ZREM', base .. 'vacs', ch)
return 1
`;

/** ARGV: base, ch, user, host. Returns 1 for the user's first connection in the channel. */
export const userJoinScript = `
local base, ch, user, host = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
redis.call('HINCRBY', base .. 'hu:' .. host, ch .. '\\n' .. user, 1)
if redis.call('HINCRBY', base .. 'u:' .. ch, user, 1) == 1 then return 1 end
return 0
`;

/** ARGV: base, ch, user, host. Returns 1 when the user's last connection in the channel left. */
export const userLeaveScript = `
local base, ch, user, host = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = ch .. '\\n' .. user
local held = redis.call('HGET', base .. 'hu:' .. host, key)
if not held then return 0 end
if tonumber(held) <= 1 then redis.call('HDEL', base .. 'hu:' .. host, key)
else redis.call('HINCRBY', base .. 'hu:' .. host, key, -1) end
if redis.call('HINCRBY', base .. 'u:' .. ch, user, -1) <= 0 then
  redis.call('HDEL', base .. 'u:' .. ch, user)
  return 1
end
return 0
`;
