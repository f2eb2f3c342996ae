import { describe, expect, it } from 'vitest'
import { createStreams, type OpenStream } from './streams.ts'

const stream = (closed: Array<number | undefined>): OpenStream => ({
  close: (retryMs) => closed.push(retryMs),
  buffered: () => 10,
})

describe('the open streams', () => {
  it('keep one address from taking them all, and free its room as its streams close', () => {
    const streams = createStreams({
      maxStreams: 100,
      maxStreamsPerConversation: 8,
      maxStreamsPerIp: 2,
    })
    const closed: Array<number | undefined> = []
    const first = streams.add('a', '192.0.2.1', stream(closed))
    streams.add('b', '192.0.2.1', stream(closed))
    expect(streams.hasRoom('192.0.2.1')).toBe(false)
    expect(streams.hasRoom('192.0.2.2')).toBe(true)
    first()
    expect(streams.hasRoom('192.0.2.1')).toBe(true)
    expect(streams.count()).toBe(1)
    expect(streams.bufferedBytes()).toBe(10)
  })

  it('keep at most the per-conversation cap, closing the oldest, and tell every stream when to come back on drain', () => {
    const streams = createStreams({
      maxStreams: 100,
      maxStreamsPerConversation: 2,
      maxStreamsPerIp: 100,
      random: () => 0.5,
    })
    const closed: Array<number | undefined> = []
    const removers: Array<() => void> = []
    const open = (id: string) => {
      const remove = streams.add(id, '192.0.2.1', {
        close: (retryMs) => {
          closed.push(retryMs)
          remove()
        },
        buffered: () => 0,
      })
      removers.push(remove)
    }
    open('a')
    open('a')
    open('a')
    expect(closed).toEqual([undefined])
    expect(streams.count()).toBe(2)
    streams.drain()
    expect(closed).toEqual([undefined, 2750, 2750])
    expect(streams.count()).toBe(0)
  })
})
