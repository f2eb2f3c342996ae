import { describe, expect, it } from 'vitest'
import { createStreams, type TrackedStream } from './streams.ts'

const stream = (closed: Array<number | undefined>): TrackedStream => ({
  close: (retryMs) => closed.push(retryMs),
  buffered: () => 10,
})

describe('the open streams', () => {
  it('keep one address from taking them all, and free its room as its streams close', async () => {
    const streams = createStreams({
      maxStreams: 100,
      maxStreamsPerConversation: 8,
      maxStreamsPerIp: 2,
    })
    const closed: Array<number | undefined> = []
    const first = streams.add('a', '192.0.2.1', stream(closed))
    streams.add('b', '192.0.2.1', stream(closed))
    expect(await streams.hasRoom('192.0.2.1')).toBe(false)
    expect(await streams.hasRoom('192.0.2.2')).toBe(true)
    first()
    expect(await streams.hasRoom('192.0.2.1')).toBe(true)
    expect(streams.count()).toBe(1)
    expect(streams.bufferedBytes()).toBe(10)
  })

  it('hold the room each yes gives until its stream is added, so streams asked for at once keep the cap', async () => {
    const streams = createStreams({
      maxStreams: 3,
      maxStreamsPerConversation: 8,
      maxStreamsPerIp: 2,
    })
    const closed: Array<number | undefined> = []
    const answers = await Promise.all([1, 2, 3].map(() => streams.hasRoom('192.0.2.1')))
    expect(answers).toEqual([true, true, false])
    expect(await streams.hasRoom('192.0.2.2')).toBe(true)
    // The process's own cap counts the room held too.
    expect(await streams.hasRoom('192.0.2.3')).toBe(false)
    const remove = streams.add('a', '192.0.2.1', stream(closed))
    streams.add('b', '192.0.2.1', stream(closed))
    expect(await streams.hasRoom('192.0.2.1')).toBe(false)
    remove()
    expect(await streams.hasRoom('192.0.2.1')).toBe(true)
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
