import { createClient } from 'redis'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../errors.ts'
import { describeEventLog } from '../testing/event-log-suite.ts'
import { useTestRedis } from '../testing/redis-vitest.ts'
import { createRedisLog } from './log.ts'

const redis = useTestRedis()
let test = 0
// Each test its own key prefix: a clean store without restarting the server.
beforeEach(() => {
  test++
})

describeEventLog('redis', async ({ sameStore: _, ...options }) => {
  const log = createRedisLog({ url: redis.url, prefix: `t${test}:`, ...options })
  await log.relayReady()
  return log
})

describe('erasing a conversation', () => {
  it('deletes its entries from the shared relay too, page after page, and no other', async () => {
    const prefix = `erase${test}:`
    const log = createRedisLog({ url: redis.url, prefix })
    await log.relayReady()
    // More than one page of the relay (a thousand entries), the erased conversation's spread over them.
    for (let i = 0; i < 1500; i++) {
      const id = i % 3 === 0 ? 'gone' : 'kept'
      await log.append(id, { type: 'message', author: 'agent', messageId: `m${i}`, text: `t${i}` })
    }
    expect(await log.erase('gone')).toBe(500)
    const admin = createClient({ url: redis.url })
    await admin.connect()
    const relay = (await admin.xRange(`${prefix}relay`, '-', '+')) ?? []
    expect(relay.filter((entry) => entry.message.c === 'gone')).toEqual([])
    expect(relay.filter((entry) => entry.message.c === 'kept')).toHaveLength(1000)
    expect(await admin.keys(`${prefix}c:{gone}:*`)).toEqual([])
    await admin.close()
    await log.close()
  })
})

describe('the relay after a long outage', () => {
  it('says so when it was trimmed past where this instance stopped reading', async () => {
    let gaps = 0
    const prefix = `gap${test}:`
    const watcher = createRedisLog({
      url: redis.url,
      prefix,
      relayLength: 10,
      retryMs: 1500,
      onRelayGap: () => gaps++,
    })
    const writer = createRedisLog({ url: redis.url, prefix, relayLength: 10 })
    await Promise.all([watcher.relayReady(), writer.relayReady()])
    const seen: number[] = []
    watcher.subscribe('a', (e) => seen.push(e.id))
    await writer.append('a', { type: 'accepted' })
    await vi.waitFor(() => expect(seen).toHaveLength(1))
    // Cut every connection: the watcher's relay waits retryMs before it reads again, while the
    // writer (reconnected at once) fills the relay far past its length.
    const admin = createClient({ url: redis.url })
    await admin.connect()
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'])
    await vi.waitFor(async () => expect(await writer.healthy()).toBe(true), { timeout: 5000 })
    for (let i = 0; i < 300; i++) await writer.append('b', { type: 'typing' })
    expect(gaps).toBe(0)
    await vi.waitFor(() => expect(gaps).toBe(1), { timeout: 5000 })
    await admin.close()
    await Promise.all([watcher.close(), writer.close()])
  })
})

describe('a Redis that hangs', () => {
  it('fails calls with a retryable 503 within the command timeout, and answers again once Redis does', async () => {
    const log = createRedisLog({ url: redis.url, prefix: `hang${test}:`, commandTimeoutMs: 300 })
    await log.relayReady()
    await log.append('a', { type: 'accepted' })
    redis.pause()
    try {
      const started = Date.now()
      const failure = await log.append('a', { type: 'typing' }).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(ApiError)
      expect(failure).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: 2 })
      expect(Date.now() - started).toBeLessThan(3000)
      expect(await log.healthy()).toBe(false)
    } finally {
      redis.resume()
    }
    await vi.waitFor(async () => expect(await log.healthy()).toBe(true), { timeout: 5000 })
    const logged = await log.append('a', { type: 'finished', by: 'agent' })
    expect(logged).toMatchObject({ type: 'finished' })
    // The command that timed out may still have reached Redis: nothing else is doubled or lost.
    const types = (await log.readAfter('a', 0)).map((e) => e.type)
    expect(types[0]).toBe('accepted')
    expect(types.at(-1)).toBe('finished')
    await log.close()
  })
})
