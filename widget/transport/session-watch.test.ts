// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { sessionKey } from '../storage-keys.ts'
import { watchSession } from './session.ts'

const base = 'https://proxy.test'

describe('watchSession', () => {
  it("hears another tab change this proxy's conversation, and nothing else", () => {
    const changed = vi.fn()
    watchSession(base, changed)
    dispatchEvent(new StorageEvent('storage', { key: 'zchat:session:https://other.test' }))
    dispatchEvent(new StorageEvent('storage', { key: 'cart' }))
    expect(changed).not.toHaveBeenCalled()
    dispatchEvent(new StorageEvent('storage', { key: sessionKey(base), newValue: '{}' }))
    expect(changed).toHaveBeenCalledOnce()
  })
})
