/**
 * What several instances keep right together on a real redis-server: streams per address through
 * a Redis that lost its data and an instance that closed, the left messages' budgets and dead
 * letters, the media quota through the retention sweep, and watched conversations kept past their
 * idle retention.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { createClient } from 'redis'
import { describe, expect, it, vi } from 'vitest'
import { takeEach } from '../budgets.ts'
import { createMediaStore } from '../media/store.ts'
import { useTestRedis } from '../testing/redis-vitest.ts'
import { createRedisDeadLetters } from './dead-letters.ts'
import { createRedisLog } from './log.ts'

const redis = useTestRedis()
let test = 0

/** Two instances' logs on one Redis, under a prefix of the test's own. */
function twoInstances(options: { idleRetentionMs?: number } = {}) {
  const prefix = `limits${++test}:`
  return [0, 1].map(() => createRedisLog({ url: redis.url, prefix, ...options }))
}

const upload = (bytes: Buffer, filename: string) => ({
  stream: Readable.from([bytes]),
  filename,
  declaredType: 'text/plain',
})

describe('streams per address on Redis', () => {
  it('are written again by the next beat after Redis lost them, and stop counting when their instance closes', async () => {
    const [a, b] = twoInstances()
    await Promise.all([a!.relayReady(), b!.relayReady()])
    const onA = a!.limits.streamHolds(2)
    const onB = b!.limits.streamHolds(2)
    expect(await onA.take('192.0.2.1')).toBe(true)
    expect(await onA.take('192.0.2.1')).toBe(true)
    expect(await onB.take('192.0.2.1')).toBe(false)
    expect(await onB.take('192.0.2.2')).toBe(true)

    // Redis restarted empty (no persistence): A's next beat says again what it holds.
    const admin = createClient({ url: redis.url })
    await admin.connect()
    await admin.sendCommand(['FLUSHALL'])
    await admin.close()
    await a!.limits.beat()
    expect(await onB.take('192.0.2.1')).toBe(false)

    // A released one: B may take it.
    onA.release('192.0.2.1')
    await vi.waitFor(async () => expect(await onB.take('192.0.2.1')).toBe(true))
    expect(await onB.take('192.0.2.1')).toBe(false)
    // A goes (its lease with it): what it held no longer counts.
    await a!.close()
    expect(await onB.take('192.0.2.1')).toBe(true)
    await b!.close()
  })
})

describe('the left messages budgets on Redis', () => {
  it('count every instance’s messages in one minute and one hour', async () => {
    const [a, b] = twoInstances()
    await Promise.all([a!.relayReady(), b!.relayReady()])
    const onA = a!.limits.leftMessageBudgets(3, 4)
    const onB = b!.limits.leftMessageBudgets(3, 4)
    await takeEach(onA)
    await takeEach(onB)
    await takeEach(onA)
    await expect(takeEach(onB)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfter: 60 })
    await expect(onA[0]!.check()).rejects.toMatchObject({ code: 'RATE_LIMITED' })
    // A message given back (its queue was full) frees its place in both.
    await Promise.all(onB.map((budget) => budget.giveBack()))
    await takeEach(onA)
    // The minute's refusal took nothing from the hour: one place is left there.
    await Promise.all(onA.map((budget) => budget.giveBack()))
    await takeEach(onB)
    await Promise.all([a!.close(), b!.close()])
  })
})

describe('dead letters on Redis', () => {
  it('are kept for every instance: one gives up on a message, another lists, erases or sweeps it', async () => {
    const [a, b] = twoInstances()
    await Promise.all([a!.relayReady(), b!.relayReady()])
    const t = Date.parse('2025-03-02T12:00:00.000Z')
    const letter = (id: string, failedAt: string) => ({
      message: { id, receivedAt: failedAt, email: 'ana@example.com', text: 'Hi' },
      outcome: 'rejected' as const,
      failedAt,
      tries: 1,
      last: { status: 422 },
    })
    await a!.deadLetters(60 * 60_000).put(letter('d-1', '2025-03-02T11:30:00.000Z'))
    await a!.deadLetters(60 * 60_000).put(letter('d-2', '2025-03-02T10:00:00.000Z'))
    // The operator's tool, on a connection of its own (dead-letters.ts), at a time of the test's choosing.
    const admin = createClient({ url: redis.url, RESP: 2 })
    await admin.connect()
    const tool = createRedisDeadLetters({
      send: (args) => admin.sendCommand(args),
      prefix: `limits${test}:`,
      retentionMs: 60 * 60_000,
      now: () => t,
    })
    // d-2 failed an hour and a half ago: past the retention, swept as the list is read.
    expect((await tool.list()).map((l) => l.message.id)).toEqual(['d-1'])
    expect(await tool.erase('d-1')).toBe(true)
    expect(await b!.deadLetters(60 * 60_000).list()).toEqual([])
    await admin.close()
    await Promise.all([a!.close(), b!.close()])
  })
})

describe('the media quota on Redis', () => {
  it('counts what every instance stores in the shared folder, and what the sweep deletes of uploads nobody sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zchat-quota-'))
    const logs = twoInstances()
    await Promise.all(logs.map((log) => log.relayReady()))
    let t = Date.now()
    const [a, b] = logs.map((log) =>
      createMediaStore({
        dir,
        maxBytes: 1024,
        types: ['text/plain'],
        retentionMs: 60 * 60_000,
        unsentMs: 60_000,
        quota: log.limits.mediaQuota(2100),
        now: () => t,
      }),
    )
    try {
      await a!.save('c', upload(Buffer.alloc(1000, 'a'), 'a.txt'))
      await b!.save('c', upload(Buffer.alloc(1000, 'b'), 'b.txt'))
      await expect(a!.save('c', upload(Buffer.alloc(10, 'c'), 'c.txt'))).rejects.toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
      })
      // Nobody sent them: they expire within the minute, B's sweep deletes both, and A has room again.
      t += 61_000
      expect(await b!.sweep()).toEqual({ expired: 0, unsent: 2, orphan: 0 })
      await a!.save('c', upload(Buffer.alloc(1000, 'c'), 'c.txt'))
      // One file removed by hand (a failed message) gives its bytes back at once.
      const d = await b!.save('c', upload(Buffer.alloc(1000, 'd'), 'd.txt'))
      await expect(a!.save('c', upload(Buffer.alloc(10, 'e'), 'e.txt'))).rejects.toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
      })
      await b!.remove(d)
      await a!.save('c', upload(Buffer.alloc(10, 'e'), 'e.txt'))
    } finally {
      for (const store of [a, b]) store?.close()
      await Promise.all(logs.map((log) => log.close()))
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the upload allowance on Redis', () => {
  it('counts what every instance takes, gives back what files did not use, and forgets a count once its window lapses', async () => {
    const [a, b] = twoInstances()
    await Promise.all([a!.relayReady(), b!.relayReady()])
    const caps = {
      filesPerConversation: 2,
      bytesPerConversation: 100,
      bytesPerAddress: 150,
      conversationMs: 60_000,
      addressMs: 60_000,
    }
    const onA = a!.limits.uploadAllowance(caps)
    const onB = b!.limits.uploadAllowance(caps)
    const from = (conversationId: string, address = '192.0.2.1') => ({ conversationId, address })
    expect(await onA.take(from('c'), 60)).toBeNull()
    expect(await onB.take(from('c'), 41)).toBe('conversation-bytes')
    // A failed upload gives all of it back, file included; a kept one what it did not use.
    expect(await onB.take(from('c'), 40)).toBeNull()
    await onB.settle(from('c'), 40, null)
    expect(await onB.take(from('c'), 40)).toBeNull()
    expect(await onA.take(from('c'), 0)).toBe('files')
    await onA.settle(from('c'), 60, 10)
    // The address has 50 of its 150 bytes counted; another conversation of it takes the rest.
    expect(await onB.take(from('d'), 100)).toBeNull()
    expect(await onA.take(from('e'), 1)).toBe('address-bytes')
    expect(await onA.take(from('e', '192.0.2.2'), 100)).toBeNull()

    // A short window: the count goes with it, and the conversation may upload again.
    const brief = a!.limits.uploadAllowance({ ...caps, conversationMs: 200, addressMs: 200 })
    expect(await brief.take(from('f', '192.0.2.3'), 100)).toBeNull()
    expect(await brief.take(from('f', '192.0.2.3'), 1)).toBe('conversation-bytes')
    await vi.waitFor(async () => expect(await brief.take(from('f', '192.0.2.3'), 100)).toBeNull(), {
      interval: 50,
    })
    await Promise.all([a!.close(), b!.close()])
  })
})

describe('a watched conversation on Redis', () => {
  it('outlives its idle retention while a stream watches it, and is kept a retention after', async () => {
    const [watcher, other] = twoInstances({ idleRetentionMs: 2000 })
    await Promise.all([watcher!.relayReady(), other!.relayReady()])
    const stop = watcher!.subscribe('watched', () => {})
    // Opened first: left alone, it would expire before the other one.
    await other!.open('watched')
    await other!.append('watched', { type: 'accepted' })
    await other!.open('quiet')
    await other!.append('quiet', { type: 'accepted' })

    await vi.waitFor(async () => expect(await other!.status('quiet')).toBeNull(), {
      timeout: 10_000,
      interval: 50,
    })
    expect(await other!.status('watched')).toMatchObject({ opened: true })
    expect(await other!.readAfter('watched', 0)).toHaveLength(1)

    stop()
    await vi.waitFor(async () => expect(await other!.status('watched')).toBeNull(), {
      timeout: 10_000,
      interval: 50,
    })
    await Promise.all([watcher!.close(), other!.close()])
  })
})
