import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { StreamHandlers } from '../conversation/ports.ts'
import { subscribeWhenLive } from './subscribe-when-live.ts'

const auth = { conversationId: 'c-1', credential: 'v1.x.y' }

function handlers(): StreamHandlers & { statuses: string[] } {
  const statuses: string[] = []
  return { statuses, onEvent() {}, onStatus: (s) => void statuses.push(s), onGone() {} }
}

beforeEach(() => {
  vi.useFakeTimers()
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('subscribeWhenLive', () => {
  it('opens the stream once the part has come, and closes it', async () => {
    const close = vi.fn()
    const subscribe = vi.fn(() => close)
    const stop = subscribeWhenLive(
      () => Promise.resolve({ subscribe }),
      auth,
      handlers(),
      new AbortController().signal,
    )
    await vi.runAllTimersAsync()
    expect(subscribe).toHaveBeenCalledWith(auth, expect.anything())
    stop()
    expect(close).toHaveBeenCalled()
  })

  it('says the stream is reconnecting while the part cannot be fetched, and asks again until it comes', async () => {
    const subscribe = vi.fn(() => () => {})
    const load = vi
      .fn<() => Promise<{ subscribe: typeof subscribe }>>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValue({ subscribe })
    const seen = handlers()
    subscribeWhenLive(load, auth, seen, new AbortController().signal)
    await vi.advanceTimersByTimeAsync(0)
    expect(seen.statuses).toEqual(['reconnecting'])
    expect(subscribe).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(3_000)
    expect(load).toHaveBeenCalledTimes(3)
    expect(subscribe).toHaveBeenCalledOnce()
  })

  it('opens nothing once closed, even when the part comes afterwards', async () => {
    let arrive: (live: { subscribe: () => () => void }) => void = () => {}
    const subscribe = vi.fn(() => () => {})
    const stop = subscribeWhenLive(
      () =>
        new Promise((resolve) => {
          arrive = resolve
        }),
      auth,
      handlers(),
      new AbortController().signal,
    )
    stop()
    arrive({ subscribe })
    await vi.runAllTimersAsync()
    expect(subscribe).not.toHaveBeenCalled()
  })
})
