/**
 * What several instances keep right together on a real redis-server: the media quota through the
 * retention sweep, and watched conversations kept past their idle retention.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMediaStore } from '../media/store.ts'
import { createRedisLog } from './redis.ts'
import { startTestRedis, type TestRedis } from './redis-testing.ts'

let redis: TestRedis
let test = 0
beforeAll(async () => {
  redis = await startTestRedis()
})
afterAll(async () => {
  await redis?.stop()
})

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

describe('the media quota on Redis', () => {
  it('counts what every instance stores in the shared folder, and what the sweep deletes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zchat-quota-'))
    const logs = twoInstances()
    await Promise.all(logs.map((log) => log.relayReady()))
    let t = Date.now()
    const [a, b] = logs.map((log) =>
      createMediaStore({
        dir,
        maxBytes: 1024,
        types: ['text/plain'],
        retentionMs: 60_000,
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
      // The files expire; B's sweep deletes both, and A has room again.
      t += 61_000
      expect(await b!.sweep()).toEqual({ expired: 2, orphan: 0 })
      await a!.save('c', upload(Buffer.alloc(1000, 'c'), 'c.txt'))
      // One file removed by hand (a failed message) gives its bytes back at once.
      const d = await b!.save('c', upload(Buffer.alloc(1000, 'd'), 'd.txt'))
      await expect(a!.save('c', upload(Buffer.alloc(10, 'e'), 'e.txt'))).rejects.toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
      })
      await b!.remove(d.id)
      await a!.save('c', upload(Buffer.alloc(10, 'e'), 'e.txt'))
    } finally {
      for (const store of [a, b]) store?.close()
      await Promise.all(logs.map((log) => log.close()))
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a watched conversation on Redis', () => {
  it('outlives its idle retention while a stream watches it, and is kept a retention after', async () => {
    const [watcher, other] = twoInstances({ idleRetentionMs: 1000 })
    await Promise.all([watcher!.relayReady(), other!.relayReady()])
    const stop = watcher!.subscribe('watched', () => {})
    // Opened first: left alone, it would expire before the other one.
    await other!.open('watched')
    await other!.append('watched', { type: 'accepted' })
    await other!.open('quiet')
    await other!.append('quiet', { type: 'accepted' })

    await vi.waitFor(async () => expect(await other!.status('quiet')).toBeNull(), {
      timeout: 5000,
      interval: 50,
    })
    expect(await other!.status('watched')).toMatchObject({ opened: true })
    expect(await other!.readAfter('watched', 0)).toHaveLength(1)

    stop()
    await vi.waitFor(async () => expect(await other!.status('watched')).toBeNull(), {
      timeout: 5000,
      interval: 50,
    })
    await Promise.all([watcher!.close(), other!.close()])
  })
})
