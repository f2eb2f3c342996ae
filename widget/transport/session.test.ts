import { afterEach, describe, expect, it, vi } from 'vitest'
import type { StoredSession } from '../conversation/ports.ts'
import { sessionKey } from '../storage-keys.ts'
import { memoryStorage } from '../testing/fakes.ts'
import { createSessionStore, hasOngoingSession, rememberOpen, wasOpen } from './session.ts'

const base = 'https://proxy.test'
const session: StoredSession = {
  conversationId: 'c1',
  credential: 'k',
  expiresAt: '2030-01-01T00:00:00.000Z',
  finished: false,
  readId: 0,
  seenId: 0,
}
const now = () => Date.UTC(2029, 0, 1)

describe('createSessionStore', () => {
  it('saves, loads, updates and clears under a key of the proxy base URL', () => {
    const storage = memoryStorage()
    const store = createSessionStore(base, storage, now)
    store.save(session)
    expect(storage.getItem(sessionKey(base))).not.toBeNull()
    expect(createSessionStore('https://other.test', storage, now).load()).toBeNull()
    store.update({ readId: 4 })
    expect(store.load()).toEqual({ ...session, readId: 4 })
    store.clear()
    expect(store.load()).toBeNull()
  })

  it('forgets an expired conversation', () => {
    const storage = memoryStorage()
    createSessionStore(base, storage, now).save({ ...session, expiresAt: '2028-01-01T00:00:00Z' })
    expect(createSessionStore(base, storage, now).load()).toBeNull()
    expect(storage.length).toBe(0)
  })

  it('ignores garbage and fills in missing optional fields', () => {
    const storage = memoryStorage()
    const store = createSessionStore(base, storage, now)
    storage.setItem(sessionKey(base), '{not json')
    expect(store.load()).toBeNull()
    storage.setItem(sessionKey(base), JSON.stringify({ conversationId: 1 }))
    expect(store.load()).toBeNull()
    storage.setItem(
      sessionKey(base),
      JSON.stringify({ conversationId: 'c', credential: 'k', expiresAt: session.expiresAt }),
    )
    expect(store.load()).toEqual({ ...session, conversationId: 'c' })
  })

  it('keeps where a conversation is answered, and drops what is not a channel and phone', () => {
    const storage = memoryStorage()
    const store = createSessionStore(base, storage, now)
    const answeredOn = { channel: 'whatsapp', phone: '11991417777' } as const
    store.save({ ...session, answeredOn })
    expect(store.load()).toEqual({ ...session, answeredOn })
    for (const odd of [{ channel: 'web', phone: '1' }, { channel: 'sms' }, 'sms', null]) {
      storage.setItem(sessionKey(base), JSON.stringify({ ...session, answeredOn: odd }))
      expect(store.load()).toEqual(session)
    }
  })

  it('survives storage that throws or is missing', () => {
    const throwing = memoryStorage()
    throwing.getItem = () => {
      throw new Error('SecurityError')
    }
    throwing.setItem = throwing.getItem
    expect(() => createSessionStore(base, throwing, now).save(session)).not.toThrow()
    expect(createSessionStore(base, throwing, now).load()).toBeNull()
    expect(createSessionStore(base, null, now).load()).toBeNull()
  })

  it('tells the loader about ongoing conversations only', () => {
    const storage = memoryStorage()
    const store = createSessionStore(base, storage)
    expect(hasOngoingSession(base, storage)).toBe(false)
    store.save({ ...session, expiresAt: new Date(Date.now() + 60_000).toISOString() })
    expect(hasOngoingSession(base, storage)).toBe(true)
    store.update({ finished: true })
    expect(hasOngoingSession(base, storage)).toBe(false)
  })

  it('tells the loader nothing is going on when what is stored is not a conversation', () => {
    const storage = memoryStorage()
    const soon = new Date(Date.now() + 60_000).toISOString()
    for (const text of [
      'not json',
      '42',
      '"x"',
      'null',
      '[]',
      '{}',
      `{"expiresAt":"never"}`,
      `["${soon}"]`,
    ]) {
      storage.setItem(sessionKey(base), text)
      expect(hasOngoingSession(base, storage), text).toBe(false)
    }
    storage.setItem(sessionKey(base), JSON.stringify({ expiresAt: soon }))
    expect(hasOngoingSession(base, storage)).toBe(true)
  })
})

describe('rememberOpen', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('remembers per proxy whether the window was open in this tab', () => {
    vi.stubGlobal('sessionStorage', memoryStorage())
    expect(wasOpen(base)).toBe(false)
    rememberOpen(base, true)
    expect(wasOpen(base)).toBe(true)
    expect(wasOpen('https://other.test')).toBe(false)
    rememberOpen(base, false)
    expect(wasOpen(base)).toBe(false)
  })

  it('does nothing without sessionStorage', () => {
    vi.stubGlobal('sessionStorage', undefined)
    expect(() => rememberOpen(base, true)).not.toThrow()
    expect(wasOpen(base)).toBe(false)
  })
})
