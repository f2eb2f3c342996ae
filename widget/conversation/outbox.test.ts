import { afterEach, expect, it, vi } from 'vitest'
import { NetworkFailure } from './failure.ts'
import { createOutbox } from './outbox.ts'
import type { VisitorEntry } from './transcript.ts'

afterEach(() => vi.useRealTimers())

it('stopped while waiting to retry, it leaves no timer and sends nothing more', async () => {
  vi.useFakeTimers()
  const entry: VisitorEntry = {
    kind: 'visitor',
    clientId: 'c-1',
    text: 'Hi',
    at: '2026-01-01T00:00:00Z',
    delivery: 'sending',
  }
  const post = vi.fn(async () => {
    throw new NetworkFailure('POST', 'https://p.test/v1/conversations/x/messages', 'network error')
  })
  const outbox = createOutbox({
    ready: () => true,
    pending: () => [entry],
    post,
    sent: () => {},
    failed: () => {},
    halted: () => {},
  })
  outbox.flush()
  await vi.waitFor(() => expect(vi.getTimerCount()).toBe(1))
  outbox.stop()
  expect(vi.getTimerCount()).toBe(0)
  await vi.runAllTimersAsync()
  expect(post).toHaveBeenCalledOnce()
})
