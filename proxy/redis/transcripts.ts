/**
 * Transcripts on Redis (REDIS_URL), on the event log's connection: a list of the kept messages
 * (JSON, oldest first) and a hash beside it (`bytes` held, `dropped`, `ended` and `rated` as JSON,
 * `owner`, `previous`),
 * in the conversation's hash slot (keys.ts), both expiring `retentionMs` after the last write. Each
 * write is one script, so the caps hold whichever instances record at once.
 */
import {
  type KeptEnd,
  type KeptMessage,
  type KeptRating,
  type TranscriptBounds,
  type TranscriptStore,
  toKept,
  transcriptDefaults,
} from '../transcripts/store.ts'
import type { redisKeys } from './keys.ts'
import type { Send } from './send.ts'

type RunScript = (script: string, keys: string[], args: string[]) => Promise<unknown>

/**
 * KEYS: list, state. ARGV: retention (ms), '1' when an owner is given, the owner ('' for none), the
 * conversation it follows ('' for none). The state hash marks the transcript as begun; its first
 * owner stays.
 */
const beginScript = `
redis.call('HSETNX', KEYS[2], 'bytes', '0')
if ARGV[2] == '1' then redis.call('HSETNX', KEYS[2], 'owner', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], 'previous', ARGV[4]) end
for i = 1, 2 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return 1
`

/**
 * KEYS: list, state. ARGV: message JSON, retention (ms), max messages, max bytes. Nothing unless
 * begun; past a cap the oldest messages go (Lua's string length is the byte length).
 */
const messageScript = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
local bytes = redis.call('HINCRBY', KEYS[2], 'bytes', string.len(ARGV[1]))
local count = redis.call('LLEN', KEYS[1])
local dropped = 0
while count > tonumber(ARGV[3]) or bytes > tonumber(ARGV[4]) do
  local old = redis.call('LPOP', KEYS[1])
  if not old then break end
  bytes = redis.call('HINCRBY', KEYS[2], 'bytes', -string.len(old))
  count = count - 1
  dropped = dropped + 1
end
if dropped > 0 then redis.call('HINCRBY', KEYS[2], 'dropped', dropped) end
for i = 1, 2 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 1
`

/** KEYS: list, state. ARGV: field (ended or rated), event JSON, retention (ms). The first one stays. */
const fieldScript = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
for i = 1, 2 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 1
`

export type RedisTranscriptsOptions = TranscriptBounds & {
  run: RunScript
  send: Send
  keys: ReturnType<typeof redisKeys>
}

/** Written by our scripts from events we kept: read back as they were written. */
const parse = <T>(json: unknown): T | null =>
  typeof json === 'string' ? (JSON.parse(json) as T) : null

export function createRedisTranscripts({
  run,
  send,
  keys,
  retentionMs,
  maxMessages = transcriptDefaults.maxMessages,
  maxBytes = transcriptDefaults.maxBytes,
}: RedisTranscriptsOptions): TranscriptStore {
  const ttl = String(retentionMs)
  return {
    async begin(id, { owner, previous } = {}) {
      await run(beginScript, keys.transcript(id), [
        ttl,
        owner === undefined ? '0' : '1',
        owner ?? '',
        previous ?? '',
      ])
    },
    async record(id, event) {
      const kept = toKept(event)
      if (!kept) return
      if (kept.type === 'message') {
        await run(messageScript, keys.transcript(id), [
          JSON.stringify(kept),
          ttl,
          String(maxMessages),
          String(maxBytes),
        ])
      } else {
        const field = kept.type === 'rated' ? 'rated' : 'ended'
        await run(fieldScript, keys.transcript(id), [field, JSON.stringify(kept), ttl])
      }
    },
    async read(id) {
      const [listKey, stateKey] = keys.transcript(id)
      const [fields, list] = await Promise.all([
        send(['HGETALL', stateKey!]),
        send(['LRANGE', listKey!, '0', '-1']),
      ])
      if (!Array.isArray(fields) || fields.length === 0) return null
      const state = new Map<string, unknown>()
      for (let i = 0; i + 1 < fields.length; i += 2) state.set(String(fields[i]), fields[i + 1])
      const messages = (Array.isArray(list) ? list : [])
        .flatMap((json) => parse<KeptMessage>(json) ?? [])
        .sort((a, b) => a.id - b.id)
      const previous = state.get('previous')
      return {
        messages,
        dropped: Number(state.get('dropped') ?? 0),
        ended: parse<KeptEnd>(state.get('ended')),
        rated: parse<KeptRating>(state.get('rated')),
        owner: typeof state.get('owner') === 'string' ? String(state.get('owner')) : null,
        ...(typeof previous === 'string' && { previous }),
      }
    },
    async erase(id) {
      await send(['DEL', ...keys.transcript(id)])
    },
    // The connection is the event log's, closed with it.
    async close() {},
  }
}
