import { createClient } from 'redis'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTestRedis } from '../testing/redis-vitest.ts'
import { describeTranscriptStore } from '../testing/transcript-store-suite.ts'
import { transcriptDefaults } from '../transcripts/store.ts'
import { redisKeys } from './keys.ts'
import { createRedisLog } from './log.ts'

const redis = useTestRedis()
let test = 0
// Each test its own key prefix: a clean store without restarting the server.
beforeEach(() => {
  test++
})

/** A store on a log of its own (a process of its own); closing the store closes that log. */
async function open(
  prefix: string,
  options: { retentionMs?: number; maxMessages?: number; maxBytes?: number },
) {
  const log = createRedisLog({ url: redis.url, prefix })
  await log.relayReady()
  const store = log.transcripts({ retentionMs: transcriptDefaults.retentionMs, ...options })
  return { ...store, close: () => log.close() }
}

describeTranscriptStore('redis', async ({ sameStore: _, now: _clock, ...options }) =>
  open(`t${test}:`, options),
)

describe('redis transcript store (its keys)', () => {
  it('renews both keys with each write, by the retention of the instance that writes', async () => {
    const prefix = `ttl${test}:`
    const short = await open(prefix, { retentionMs: 60_000 })
    const long = await open(prefix, { retentionMs: 10 * 24 * 60 * 60 * 1000 })
    await short.begin('a')
    await long.record('a', {
      id: 1,
      at: new Date(1).toISOString(),
      type: 'message',
      author: 'visitor',
      messageId: 'v-1',
      text: 'kept for days',
    })
    const admin = createClient({ url: redis.url })
    await admin.connect()
    for (const key of redisKeys(prefix).transcript('a')) {
      expect(await admin.pTTL(key)).toBeGreaterThan(9 * 24 * 60 * 60 * 1000)
    }
    await admin.close()
    await short.close()
    await long.close()
  })
})
