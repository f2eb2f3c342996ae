/**
 * The Lua the Redis log runs. A script runs alone on the server, so the de-duplication check, the
 * ended rule, the id and the writes are one step for every instance: two instances that receive
 * the same zChat trigger (or the same visitor retry) store it once.
 *
 * Keys of a conversation: its stream (the events), its state hash (`kind`: absent while unopened,
 * then `open` or `ended`; `last`: the last id handed out; `bytes`: what its stream's events hold)
 * and its set of de-duplication keys. All three expire together, with the retention of the
 * conversation's kind. A message's key is written in its stream entry too (field `k`), so that it
 * leaves the set when the entry is trimmed: the set holds the keys of the messages the stream still
 * holds, and the once-only keys (`finished`, `rated`).
 *
 * Interactions never opened here are also listed together, for their caps (UNOPENED_MAX_*): a
 * sorted set of their ids by last append, a hash of each one's bytes and the total of those. An
 * append past the caps deletes the least recently active of them. Those three keys are shared by
 * every conversation, so the scripts touch keys of several hash slots: a single Redis, not a Cluster.
 */

/**
 * The conversation's oldest events past `max` events or `maxBytes` bytes (`len` and `bytes` now),
 * oldest first, never the newest: the stream entries to drop, their bytes and the de-duplication
 * keys they carry (field `k`, a message's). Read a page at a time.
 */
const oldestPast = `
local function oldestPast(stream, len, bytes, max, maxBytes)
  local count, freed, last, from, keys = 0, 0, nil, '-', {}
  local function over() return len - count > 1 and (len - count > max or bytes - freed > maxBytes) end
  while over() do
    local page = redis.call('XRANGE', stream, from, '+', 'COUNT', 100)
    if #page == 0 then break end
    for _, entry in ipairs(page) do
      if not over() then break end
      local fields = entry[2]
      for i = 1, #fields, 2 do
        if fields[i] == 'e' then freed = freed + #fields[i + 1] end
        if fields[i] == 'k' then keys[#keys + 1] = fields[i + 1] end
      end
      count = count + 1
      last = entry[1]
    end
    from = '(' .. last
  end
  return count, freed, last, keys
end
`

/**
 * KEYS: stream, state, keys, relay, then the unopened set, sizes and total. ARGV: event JSON, dedupe
 * key ('' for none), ends ('1'), matters after the end ('1'), now (ms), max events,
 * unopened/open/ended TTLs (ms), relay length, conversation id, max bytes per conversation, unopened
 * max conversations and bytes, key prefix, the key goes with the event ('1': a message's). Returns
 * nil when nothing was stored, else the id, how many of its events were trimmed and how many
 * unopened conversations were deleted for the caps.
 *
 * Ids are max(last + 1, now) as in the memory log, written as the stream entry id `<id>-0`, so an
 * SSE id maps to a stream entry and back without loss. Numbers stay exact in Lua's doubles (13
 * digits today).
 */
export const appendScript = `${oldestPast}
local key = ARGV[2]
if key ~= '' and redis.call('SISMEMBER', KEYS[3], key) == 1 then return false end
local state = redis.call('HMGET', KEYS[2], 'kind', 'ended')
local kind = state[1]
local unopened = not kind
if (kind == 'ended' or state[2] == '1') and ARGV[4] ~= '1' then return false end
if key ~= '' then redis.call('SADD', KEYS[3], key) end
if ARGV[3] == '1' then
  -- Never opened here: it stays among the unopened (their caps, their TTL, off the relay), or ending
  -- triggers would get round the caps; opened later, it is ended (openScript).
  if unopened then
    redis.call('HSET', KEYS[2], 'ended', '1')
  else
    kind = 'ended'
    redis.call('HSET', KEYS[2], 'kind', 'ended')
  end
end
local now = tonumber(ARGV[5])
local last = tonumber(redis.call('HGET', KEYS[2], 'last') or '0')
local id = math.max(last + 1, now)
local entry = string.format('%d-0', id)
redis.call('HSET', KEYS[2], 'last', string.format('%d', id))
if key ~= '' and ARGV[16] == '1' then
  redis.call('XADD', KEYS[1], entry, 't', ARGV[5], 'e', ARGV[1], 'k', key)
else
  redis.call('XADD', KEYS[1], entry, 't', ARGV[5], 'e', ARGV[1])
end
local bytes = redis.call('HINCRBY', KEYS[2], 'bytes', #ARGV[1])
-- Trimmed exactly, in batches (a tenth of a cap over it), so the last id dropped is known.
local max, maxBytes = tonumber(ARGV[6]), tonumber(ARGV[12])
local len = redis.call('XLEN', KEYS[1])
local trimmed = 0
if len > max + math.max(1, math.floor(max / 10)) or bytes > maxBytes + math.floor(maxBytes / 10) then
  local count, freed, last, keys = oldestPast(KEYS[1], len, bytes, max, maxBytes)
  if count > 0 then
    redis.call('HSET', KEYS[2], 'dropped', last)
    -- Ours are all <ms>-0: everything below <ms>-1 is what was read.
    redis.call('XTRIM', KEYS[1], 'MINID', string.match(last, '^(%d+)') .. '-1')
    bytes = redis.call('HINCRBY', KEYS[2], 'bytes', -freed)
    -- The trimmed messages' keys leave with them (a repeat would be stored again: rare, harmless).
    for _, gone in ipairs(keys) do redis.call('SREM', KEYS[3], gone) end
    trimmed = count
  end
end
local ttl = ARGV[7]
if kind == 'ended' then ttl = ARGV[9] elseif kind == 'open' then ttl = ARGV[8] end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
-- Relayed once opened here or ended: no stream watches one never opened (the routes open a
-- conversation before they serve its stream, which reads what came before from the log). The relay
-- is capped by count, so a flood of 30 KB triggers for other interactions would otherwise make it
-- hold 10,000 of them (300 MB).
if kind then
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[10], '*', 'c', ARGV[11], 'i', entry, 't', ARGV[5], 'e', ARGV[1])
end
-- Interactions never opened here: the list of them drops those whose keys have expired, counts this
-- one, and past the caps deletes the least recently active (never this one).
local id, set, sizes, total = ARGV[11], KEYS[5], KEYS[6], KEYS[7]
local evicted = 0
local function unlist(other)
  local size = tonumber(redis.call('HGET', sizes, other) or '0')
  redis.call('ZREM', set, other)
  redis.call('HDEL', sizes, other)
  return redis.call('DECRBY', total, size)
end
if unopened then
  for _, stale in ipairs(redis.call('ZRANGEBYSCORE', set, '-inf', now - tonumber(ARGV[7]))) do
    unlist(stale)
  end
  redis.call('ZADD', set, now, id)
  local held = redis.call('INCRBY', total, bytes - tonumber(redis.call('HGET', sizes, id) or '0'))
  redis.call('HSET', sizes, id, bytes)
  local maxCount, maxHeld = tonumber(ARGV[13]), tonumber(ARGV[14])
  while redis.call('ZCARD', set) > maxCount or held > maxHeld do
    local oldest = redis.call('ZRANGE', set, 0, 0)[1]
    if oldest == id then break end
    held = unlist(oldest)
    -- The names keys.ts gives a conversation's keys.
    local of = ARGV[15] .. 'c:{' .. oldest .. '}:'
    redis.call('DEL', of .. 'events', of .. 'state', of .. 'keys')
    evicted = evicted + 1
  end
end
return {entry, trimmed, evicted}
`

/**
 * KEYS: stream, state, keys, then the unopened set, sizes and total. ARGV: open TTL (ms),
 * conversation id, ended TTL (ms). Unopened becomes open, or ended if an ending trigger came first,
 * and leaves the unopened list; ended stays ended.
 */
export const openScript = `
local state = redis.call('HMGET', KEYS[2], 'kind', 'ended')
local kind = state[1]
local ttl = nil
if not kind then
  kind = state[2] == '1' and 'ended' or 'open'
  redis.call('HSET', KEYS[2], 'kind', kind)
  ttl = kind == 'ended' and ARGV[3] or ARGV[1]
  local size = tonumber(redis.call('HGET', KEYS[5], ARGV[2]) or '0')
  redis.call('ZREM', KEYS[4], ARGV[2])
  redis.call('HDEL', KEYS[5], ARGV[2])
  redis.call('DECRBY', KEYS[6], size)
elseif kind == 'open' then
  ttl = ARGV[1]
end
if ttl then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
return kind
`

/** KEYS: counter. ARGV: window (ms). A fixed window from the first hit, as the plugin's own stores. */
export const countScript = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`
