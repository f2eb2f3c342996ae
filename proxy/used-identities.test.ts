/**
 * The used identities' one contract, in memory and on a real redis-server: an id is taken once
 * until its identity expires, given back when its start made nothing, and on Redis one instance's
 * take refuses another's.
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { createRedisLog } from './redis/log.ts'
import { useTestRedis } from './testing/redis-vitest.ts'
import { createMemoryUsedIdentities, type UsedIdentities } from './used-identities.ts'

let clock = 1_750_000_000_000
const now = () => clock

type Pair = { a: UsedIdentities; b: UsedIdentities; close(): Promise<void> }

function suite(name: string, open: () => Promise<Pair>) {
  describe(name, () => {
    it('takes an id once until it expires, and again once given back', async () => {
      const { a, b, close } = await open()
      try {
        clock = Date.now()
        const until = clock + 60_000
        expect(await a.take('jti-0123456789abcdef', until)).toBe(true)
        expect(await a.take('jti-0123456789abcdef', until)).toBe(false)
        // Another instance, or the same one: the id is used.
        expect(await b.take('jti-0123456789abcdef', until)).toBe(false)
        expect(await b.take('jti-fedcba9876543210', until)).toBe(true)
        await a.giveBack('jti-0123456789abcdef')
        expect(await b.take('jti-0123456789abcdef', until)).toBe(true)
      } finally {
        await close()
      }
    })
  })
}

suite('in memory', async () => {
  const memory = createMemoryUsedIdentities(now)
  return { a: memory, b: memory, close: async () => {} }
})

describe('in memory, past its expiry', () => {
  it('forgets the id once its identity expired, and sweeps what expired', async () => {
    clock = 1_750_000_000_000
    const used = createMemoryUsedIdentities(now)
    expect(await used.take('jti-0123456789abcdef', clock + 1000)).toBe(true)
    clock += 1000
    expect(await used.take('jti-0123456789abcdef', clock + 1000)).toBe(true)
    expect(used.size()).toBe(1)
    clock += 61_000
    expect(await used.take('jti-fedcba9876543210', clock + 1000)).toBe(true)
    expect(used.size()).toBe(1)
  })
})

const redis = useTestRedis()
suite('on Redis, two instances', async () => {
  const prefix = 'used-pair:'
  const logs = [0, 1].map(() => createRedisLog({ url: redis.url, prefix }))
  await Promise.all(logs.map((log) => log.relayReady()))
  return {
    a: logs[0]!.usedIdentities,
    b: logs[1]!.usedIdentities,
    close: async () => {
      await Promise.all(logs.map((log) => log.close()))
    },
  }
})

describe('on Redis, its key', () => {
  it('expires with the identity, under a digest of the id', async () => {
    const prefix = 'used-ttl:'
    const log = createRedisLog({ url: redis.url, prefix })
    await log.relayReady()
    const admin = createClient({ url: redis.url })
    await admin.connect()
    try {
      expect(await log.usedIdentities.take('jti-0123456789abcdef', Date.now() + 60_000)).toBe(true)
      const keys = await admin.keys(`${prefix}used-identity:*`)
      expect(keys).toHaveLength(1)
      expect(keys[0]).not.toContain('jti-0123456789abcdef')
      const ttl = await admin.pTTL(keys[0]!)
      expect(ttl).toBeGreaterThan(55_000)
      expect(ttl).toBeLessThanOrEqual(60_000)
    } finally {
      await admin.close()
      await log.close()
    }
  })
})
