/**
 * The Lua the Redis log runs. A script runs alone on the server, so the de-duplication check, the
 * ended rule, the id and the writes are one step for every instance: two instances that receive
 * the same zChat trigger (or the same visitor retry) store it once.
 *
 * Keys of a conversation: its stream (the events), its state hash (`kind`: absent while unopened,
 * then `open` or `ended`; `last`: the last id handed out) and its set of de-duplication keys. All
 * three expire together, with the retention of the conversation's kind. A message's key is written in
 * its stream entry too (field `k`), so that it leaves the set when the entry is trimmed: the set holds
 * the keys of the messages the stream still holds, and the once-only keys (`finished`, `rated`).
 */

/**
 * KEYS: stream, state, keys, relay. ARGV: event JSON, dedupe key ('' for none), ends ('1'),
 * matters after the end ('1'), now (ms), max events, unopened/open/ended TTLs (ms), relay length,
 * conversation id, the key goes with the event ('1': a message's). Returns the id, or nil when
 * nothing was stored.
 *
 * Ids are max(last + 1, now) as in the memory log, written as the stream entry id `<id>-0`, so an
 * SSE id maps to a stream entry and back without loss. Numbers stay exact in Lua's doubles (13
 * digits today).
 */
export const appendScript = `
local key = ARGV[2]
if key ~= '' and redis.call('SISMEMBER', KEYS[3], key) == 1 then return false end
local kind = redis.call('HGET', KEYS[2], 'kind')
if kind == 'ended' and ARGV[4] ~= '1' then return false end
if key ~= '' then redis.call('SADD', KEYS[3], key) end
if ARGV[3] == '1' then
  kind = 'ended'
  redis.call('HSET', KEYS[2], 'kind', 'ended')
end
local now = tonumber(ARGV[5])
local last = tonumber(redis.call('HGET', KEYS[2], 'last') or '0')
local id = math.max(last + 1, now)
local entry = string.format('%d-0', id)
redis.call('HSET', KEYS[2], 'last', string.format('%d', id))
if key ~= '' and ARGV[12] == '1' then
  redis.call('XADD', KEYS[1], entry, 't', ARGV[5], 'e', ARGV[1], 'k', key)
else
  redis.call('XADD', KEYS[1], entry, 't', ARGV[5], 'e', ARGV[1])
end
-- Trimmed exactly, in batches (a tenth of the cap over it), so the last id dropped is known.
local max = tonumber(ARGV[6])
local len = redis.call('XLEN', KEYS[1])
if len > max + math.max(1, math.floor(max / 10)) then
  local dropped = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', len - max)
  redis.call('HSET', KEYS[2], 'dropped', dropped[#dropped][1])
  for _, gone in ipairs(dropped) do
    local fields = gone[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'k' then redis.call('SREM', KEYS[3], fields[i + 1]) end
    end
  end
  redis.call('XTRIM', KEYS[1], 'MAXLEN', max)
end
local ttl = ARGV[7]
if kind == 'ended' then ttl = ARGV[9] elseif kind == 'open' then ttl = ARGV[8] end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[10], '*', 'c', ARGV[11], 'i', entry, 't', ARGV[5], 'e', ARGV[1])
return entry
`

/** KEYS: stream, state, keys. ARGV: open TTL (ms). Unopened becomes open; ended stays ended. */
export const openScript = `
local kind = redis.call('HGET', KEYS[2], 'kind')
if not kind then
  redis.call('HSET', KEYS[2], 'kind', 'open')
  kind = 'open'
end
if kind == 'open' then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
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
