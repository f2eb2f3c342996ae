import type { ServerResponse } from 'node:http'
import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LoggedEvent } from '../../protocol/wire.ts'
import { createEventStream } from './event-stream.ts'

/** A socket whose reader takes nothing: writes pile up and never drain. */
function stalledSocket() {
  const socket = new Writable({ highWaterMark: 1024, write: () => {} })
  return socket as unknown as ServerResponse & Writable
}

const message = (id: number, text: string): LoggedEvent => ({
  id,
  at: '2026-12-01T00:00:00.000Z',
  type: 'message',
  author: 'agent',
  messageId: `m${id}`,
  text,
})

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('an event stream', () => {
  it('cuts a live reader that has taken nothing for stallMs, though it is under the byte cap', () => {
    const socket = stalledSocket()
    const overflow = vi.fn()
    const stream = createEventStream(
      socket,
      {
        maxBufferedBytes: 1_000_000,
        stallMs: 30_000,
        onFrame: () => {},
        onOverflow: overflow,
      },
      0,
    )
    stream.send(message(1, 'x'.repeat(2000)))
    stream.checkStall()
    expect(overflow).not.toHaveBeenCalled()
    vi.advanceTimersByTime(29_000)
    stream.checkStall()
    expect(overflow).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1000)
    stream.checkStall()
    expect(overflow).toHaveBeenCalledOnce()
    expect(socket.destroyed).toBe(true)
  })

  it('lets one event larger than the cap through, and cuts the reader only when more piles up', () => {
    const socket = stalledSocket()
    const overflow = vi.fn()
    const stream = createEventStream(
      socket,
      {
        maxBufferedBytes: 16 * 1024,
        stallMs: 30_000,
        onFrame: () => {},
        onOverflow: overflow,
      },
      0,
    )
    stream.send(message(1, 'x'.repeat(40_000)))
    expect(overflow).not.toHaveBeenCalled()
    stream.send(message(2, 'small'))
    expect(overflow).toHaveBeenCalledOnce()
  })
})
