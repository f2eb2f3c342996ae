/**
 * The Lua of the limits every instance shares (quotas.ts). What an instance holds (streams of
 * an address, room reserved for uploads in flight) is a field of a hash, one per instance, so that
 * an instance that dies holds nothing for long: a field counts only while its instance's lease, in
 * the instances' sorted set (scored by when it lapses), is current. The first script to meet a
 * lapsed field deletes it. Times are Redis's own (TIME), so instances' clocks may differ.
 */

const prelude = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- The sum of a hash's fields whose instance holds a current lease; lapsed ones are deleted.
local function live_sum(hash, instances, me, now)
  local sum = 0
  local fields = redis.call('HGETALL', hash)
  for i = 1, #fields, 2 do
    local who = fields[i]
    local lease = who ~= me and redis.call('ZSCORE', instances, who)
    if who ~= me and (not lease or tonumber(lease) < now) then
      redis.call('HDEL', hash, who)
    else
      sum = sum + tonumber(fields[i + 1])
    end
  end
  return sum
end
`

/**
 * KEYS: holdings hash, instances, stored counter (optional). ARGV: this instance, amount, cap, the
 * hash's TTL (ms), lease (ms). Adds `amount` to this instance's field unless the live sum, plus what
 * the stored counter says is kept for good, would pass `cap`. Returns 1 when taken, else 0. Renews
 * the lease too: a take is never pruned by the next one for want of a first beat.
 */
export const takeScript = `${prelude}
local now = now_ms()
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[1])
local amount = tonumber(ARGV[2])
local stored = KEYS[3] and tonumber(redis.call('GET', KEYS[3]) or '0') or 0
local held = live_sum(KEYS[1], KEYS[2], ARGV[1], now) + stored
if held + amount > tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], amount)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`

/**
 * KEYS: holdings hash, stored counter (optional). ARGV: this instance, amount let go, amount that
 * becomes stored. The field goes when it reaches 0.
 */
export const releaseScript = `
local amount = tonumber(ARGV[2])
local left = 0
if amount ~= 0 then
  left = redis.call('HINCRBY', KEYS[1], ARGV[1], -amount)
  if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
end
if KEYS[2] and tonumber(ARGV[3]) ~= 0 then
  local stored = redis.call('INCRBY', KEYS[2], ARGV[3])
  if stored < 0 then redis.call('SET', KEYS[2], '0') end
end
return left
`

/**
 * KEYS: instances, then holdings hashes. ARGV: this instance, lease (ms), hashes' TTL (ms), then one
 * amount per hash (0: none held any more). Renews this instance's lease, writes what it holds
 * (which heals a count a lost reply or a Redis restart put wrong) and forgets leases long lapsed.
 */
export const heartbeatScript = `${prelude}
local now = now_ms()
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 10 * lease)
for i = 2, #KEYS do
  local amount = tonumber(ARGV[i + 2])
  if amount > 0 then
    redis.call('HSET', KEYS[i], ARGV[1], amount)
    redis.call('PEXPIRE', KEYS[i], ARGV[3])
  else
    redis.call('HDEL', KEYS[i], ARGV[1])
  end
end
return now
`

/**
 * KEYS: counter. ARGV: cap, window (ms). A fixed window from the first take, as the memory budget:
 * past `cap`, nothing is taken. Returns {1 or 0, ms left in the window}.
 */
export const takeInWindowScript = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if current >= tonumber(ARGV[1]) and ttl > 0 then return {0, ttl} end
if ttl <= 0 then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
  return {1, tonumber(ARGV[2])}
end
redis.call('INCR', KEYS[1])
return {1, ttl}
`

/** KEYS: counter. Gives one back, if the window it was taken in is still open. */
export const giveBackScript = `
if redis.call('PTTL', KEYS[1]) > 0 and tonumber(redis.call('GET', KEYS[1])) > 0 then
  redis.call('DECR', KEYS[1])
end
return 1
`

/**
 * KEYS: the conversation's files, its bytes, the address's bytes. ARGV: bytes, the three caps, the
 * conversation's and the address's windows (ms). Takes one file and `bytes` on all three, or
 * nothing: 0 when taken, else which cap it would pass (1 files, 2 conversation bytes, 3 address
 * bytes). Each count lasts its window from its first take, as the memory count does.
 */
export const takeUploadScript = `
local bytes = tonumber(ARGV[1])
local function used(key) return tonumber(redis.call('GET', key) or '0') end
if used(KEYS[1]) + 1 > tonumber(ARGV[2]) then return 1 end
if used(KEYS[2]) + bytes > tonumber(ARGV[3]) then return 2 end
if used(KEYS[3]) + bytes > tonumber(ARGV[4]) then return 3 end
local function add(key, amount, window)
  redis.call('INCRBY', key, amount)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, window) end
end
add(KEYS[1], 1, ARGV[5])
add(KEYS[2], bytes, ARGV[5])
add(KEYS[3], bytes, ARGV[6])
return 0
`

/**
 * KEYS: as takeUploadScript's. ARGV: the file does not count ('1': the upload failed), bytes given
 * back. Counts that lapsed meanwhile stay gone; none goes below 0.
 */
export const settleUploadScript = `
local function give(key, amount)
  if amount <= 0 or redis.call('EXISTS', key) == 0 then return end
  if redis.call('DECRBY', key, amount) < 0 then redis.call('SET', key, '0', 'KEEPTTL') end
end
if ARGV[1] == '1' then give(KEYS[1], 1) end
give(KEYS[2], tonumber(ARGV[2]))
give(KEYS[3], tonumber(ARGV[2]))
return 1
`
