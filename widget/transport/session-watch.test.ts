// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { sessionKey } from '../storage-keys.ts'
import {
  createSessionStore,
  forgetConversation,
  hasOngoingSession,
  watchSession,
} from './session.ts'

const base = 'https://proxy.test'

describe('watchSession', () => {
  it("hears another tab change or reset this proxy's conversation, and nothing else", () => {
    const changed = vi.fn()
    const reset = vi.fn()
    watchSession(base, { changed, reset })
    const other = sessionKey('https://other.test')
    dispatchEvent(new StorageEvent('storage', { key: other, newValue: '{}' }))
    dispatchEvent(new StorageEvent('storage', { key: other, newValue: 'reset' }))
    dispatchEvent(new StorageEvent('storage', { key: 'cart' }))
    expect(changed).not.toHaveBeenCalled()
    expect(reset).not.toHaveBeenCalled()
    dispatchEvent(new StorageEvent('storage', { key: sessionKey(base), newValue: '{}' }))
    // Cleared (a new chat, a conversation gone): a change, not a reset.
    dispatchEvent(new StorageEvent('storage', { key: sessionKey(base), newValue: null }))
    expect(changed).toHaveBeenCalledTimes(2)
    expect(reset).not.toHaveBeenCalled()
    dispatchEvent(new StorageEvent('storage', { key: sessionKey(base), newValue: 'reset' }))
    expect(reset).toHaveBeenCalledOnce()
  })
})

describe('forgetConversation', () => {
  const conversation = {
    conversationId: 'c1',
    credential: 'k1',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    finished: false,
    readId: 0,
    seenId: 0,
  }

  it("forgets this proxy's conversation, here and for the loader, and leaves the rest", () => {
    createSessionStore(base).save(conversation)
    createSessionStore('https://other.test').save(conversation)
    forgetConversation(base)
    expect(createSessionStore(base).load()).toBeNull()
    expect(hasOngoingSession(base)).toBe(false)
    expect(localStorage.getItem(sessionKey(base))).not.toContain('k1')
    expect(createSessionStore('https://other.test').load()).toEqual(conversation)
  })

  it('does nothing, and throws nothing, where storage cannot be used', () => {
    const broken = {
      setItem: () => {
        throw new DOMException('denied', 'SecurityError')
      },
    } as unknown as Storage
    expect(() => forgetConversation(base, broken)).not.toThrow()
  })
})
