// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { memoryStorage } from '../testing/fakes.ts'
import { readSound, whileAway } from './away.ts'

const base = 'https://proxy.test'

/** The page as the browser shows it: hidden when the visitor is on another tab. */
function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden })
  document.dispatchEvent(new Event('visibilitychange'))
}

afterEach(() => setHidden(false))

describe('whileAway', () => {
  it('flags the title of a hidden page with the count of new agent messages, until the visitor is back', async () => {
    document.title = 'Shop'
    const alert = whileAway({ base, sound: undefined, storage: memoryStorage() })
    await alert.agentMessage()
    expect(document.title).toBe('Shop')
    setHidden(true)
    await alert.agentMessage()
    await alert.agentMessage()
    expect(document.title).toBe('(2) Shop')
    setHidden(false)
    expect(document.title).toBe('Shop')
  })

  it('leaves a title the page set meanwhile', async () => {
    document.title = 'Shop'
    const alert = whileAway({ base, sound: undefined, storage: memoryStorage() })
    setHidden(true)
    await alert.agentMessage()
    document.title = 'Cart (1 item)'
    await alert.agentMessage()
    expect(document.title).toBe('(2) Cart (1 item)')
    document.title = 'Checkout'
    setHidden(false)
    expect(document.title).toBe('Checkout')
  })

  it('plays the sound once per browser: in the tab looked at last, when it is hidden too', async () => {
    const storage = memoryStorage()
    const play = vi.fn()
    const first = whileAway({ base, sound: 'true', play, storage })
    const last = whileAway({ base, sound: 'true', play, storage })
    setHidden(true)
    await first.agentMessage()
    expect(play).not.toHaveBeenCalled()
    await last.agentMessage()
    expect(play).toHaveBeenCalledOnce()
    expect(play).toHaveBeenCalledWith(true)
  })

  it('plays nothing before the visitor interacted with the page, nor without data-sound', async () => {
    const play = vi.fn()
    vi.stubGlobal('navigator', { userActivation: { hasBeenActive: false } })
    try {
      const alert = whileAway({ base, sound: '', play, storage: memoryStorage() })
      setHidden(true)
      await alert.agentMessage()
      expect(play).not.toHaveBeenCalled()
    } finally {
      vi.unstubAllGlobals()
    }
    const silent = whileAway({ base, sound: 'false', play, storage: memoryStorage() })
    await silent.agentMessage()
    expect(play).not.toHaveBeenCalled()
  })
})

describe('readSound', () => {
  it('reads data-sound: a chime, a file, none, or a problem', () => {
    expect(readSound(undefined)).toEqual({})
    expect(readSound('false')).toEqual({})
    expect(readSound('')).toEqual({ sound: true })
    expect(readSound('true')).toEqual({ sound: true })
    expect(readSound('https://cdn.test/ping.mp3')).toEqual({ sound: 'https://cdn.test/ping.mp3' })
    expect(readSound('loud').problem).toBe(
      'data-sound="loud" (expected true, false or an https:// address)',
    )
  })
})
