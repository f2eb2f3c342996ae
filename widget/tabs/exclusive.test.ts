import { describe, expect, it } from 'vitest'
import type { StoredSession } from '../conversation/ports.ts'
import { fakeLocks, future } from '../testing/fakes.ts'
import { exclusive } from './exclusive.ts'

const c1: StoredSession = {
  conversationId: 'c1',
  credential: 'k1',
  expiresAt: future,
  finished: false,
  readId: 0,
  seenId: 0,
}

describe('exclusive', () => {
  it('keeps the conversation a tab started for the tabs that start next, until cleared', async () => {
    const locks = fakeLocks()
    const one = exclusive('zchat:start:a', locks)!
    const two = exclusive('zchat:start:a', locks)!
    await one.run(() => one.save(c1))
    expect(await two.run(() => two.load())).toEqual(c1)
    // A widget of another proxy on the same site starts its own.
    expect(await exclusive('zchat:start:b', locks)!.load()).toBeUndefined()
    one.clear()
    // Granted once the browser has let it go.
    await locks.request(`zchat:start:a:started:${JSON.stringify(c1)}`, async () => {})
    expect(await two.run(() => two.load())).toBeUndefined()
  })

  it('keeps no conversation past its expiry', async () => {
    const lock = exclusive('zchat:start:a', fakeLocks())!
    await lock.save({ ...c1, expiresAt: '2020-01-01T00:00:00.000Z' })
    expect(await lock.load()).toBeUndefined()
  })

  it('is none without Web Locks (Safari before 15.4): each tab starts at once', () => {
    expect(exclusive('zchat:start:a', null)).toBeUndefined()
  })
})
