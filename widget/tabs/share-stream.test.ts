import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LoggedEvent } from '../../protocol/wire.ts'
import type { StreamHandlers, StreamStatus } from '../conversation/ports.ts'
import { broadcastChannel, type StreamOpener, shareStream } from './share-stream.ts'

const auth = { conversationId: 'c1', credential: 'k1' }
const at = '2026-12-01T00:00:00.000Z'
const message = (id: number): LoggedEvent => ({
  id,
  at,
  type: 'message',
  author: 'agent',
  messageId: `m${id}`,
  text: `text ${id}`,
})

/**
 * Web Locks as the browser keeps them, for tabs in one process: one holder per name, the others
 * granted in turn when it lets go; a request whose signal aborts leaves the queue.
 */
function browserLocks() {
  const queues = new Map<string, Array<() => void>>()
  const held = new Set<string>()
  const next = (name: string) => {
    const waiting = queues.get(name)?.shift()
    if (waiting) waiting()
    else held.delete(name)
  }
  return {
    request(name: string, options: { signal?: AbortSignal }, run: () => Promise<void>) {
      return new Promise<void>((resolve, reject) => {
        const grant = () => {
          held.add(name)
          void run().then(() => {
            resolve()
            next(name)
          })
        }
        if (!held.has(name)) return grant()
        const queue = queues.get(name) ?? []
        queues.set(name, queue)
        queue.push(grant)
        options.signal?.addEventListener('abort', () => {
          queue.splice(queue.indexOf(grant), 1)
          reject(options.signal?.reason)
        })
      })
    },
  } as unknown as LockManager
}

/** The proxy's side of each opened stream: what it was asked, and a way to send down it. */
function proxyStreams() {
  const opened: Array<{ after: number; handlers: StreamHandlers; closed: boolean }> = []
  const open: StreamOpener = (_auth, handlers, after) => {
    const stream = { after, handlers, closed: false }
    opened.push(stream)
    handlers.onStatus('connecting')
    handlers.onStatus('live')
    return () => {
      stream.closed = true
    }
  }
  return { opened, open }
}

const channels: Array<ReturnType<typeof broadcastChannel>> = []
/** A tab: its own BroadcastChannel object on the shared name, and what its conversation receives. */
function tab(open: StreamOpener, locks: LockManager) {
  const channel = broadcastChannel('zchat:https://proxy.test')
  channels.push(channel)
  const events: number[] = []
  const statuses: StreamStatus[] = []
  const resets = vi.fn()
  const close = shareStream(
    open,
    channel,
    locks,
  )(auth, {
    onEvent: (event) => events.push(event.id),
    onStatus: (status) => statuses.push(status),
    onGone: vi.fn(),
    onReset: resets,
  })
  return { events, statuses, resets, close }
}

afterEach(() => {
  for (const channel of channels.splice(0)) channel?.close()
})

describe('shareStream', () => {
  it('opens one stream for all tabs and passes every event, and the reset, on to the others', async () => {
    const proxy = proxyStreams()
    const locks = browserLocks()
    const one = tab(proxy.open, locks)
    const two = tab(proxy.open, locks)
    await vi.waitFor(() => expect(proxy.opened).toHaveLength(1))
    await vi.waitFor(() => expect(two.statuses).toContain('live'))
    const leader = proxy.opened[0]!
    leader.handlers.onEvent(message(1))
    leader.handlers.onReset?.()
    leader.handlers.onEvent(message(5))
    await vi.waitFor(() => expect(two.events).toEqual([1, 5]))
    expect(one.events).toEqual([1, 5])
    expect(two.resets).toHaveBeenCalledOnce()
    expect(proxy.opened).toHaveLength(1)
    one.close()
    two.close()
  })

  it('gives a tab that opens late every event so far, then the live ones, each once', async () => {
    const proxy = proxyStreams()
    const locks = browserLocks()
    const one = tab(proxy.open, locks)
    await vi.waitFor(() => expect(proxy.opened).toHaveLength(1))
    const leader = proxy.opened[0]!
    for (const id of [1, 2, 3]) leader.handlers.onEvent(message(id))
    const late = tab(proxy.open, locks)
    leader.handlers.onEvent(message(4))
    await vi.waitFor(() => expect(late.events).toEqual([1, 2, 3, 4]))
    leader.handlers.onEvent(message(5))
    await vi.waitFor(() => expect(late.events).toEqual([1, 2, 3, 4, 5]))
    expect(one.events).toEqual([1, 2, 3, 4, 5])
    expect(late.statuses).toEqual(['connecting', 'live'])
    // One that opens while the leader's stream is down is told so, not that it is live.
    leader.handlers.onStatus('reconnecting')
    const later = tab(proxy.open, locks)
    await vi.waitFor(() => expect(later.events).toEqual([1, 2, 3, 4, 5]))
    expect(later.statuses).toEqual(['connecting', 'reconnecting'])
    one.close()
    late.close()
    later.close()
  })

  it('when the leader closes, another tab resumes from the last event it has, losing and repeating nothing', async () => {
    const proxy = proxyStreams()
    const locks = browserLocks()
    const one = tab(proxy.open, locks)
    const two = tab(proxy.open, locks)
    await vi.waitFor(() => expect(two.statuses).toContain('live'))
    proxy.opened[0]!.handlers.onEvent(message(7))
    await vi.waitFor(() => expect(two.events).toEqual([7]))
    one.close()
    expect(proxy.opened[0]!.closed).toBe(true)
    await vi.waitFor(() => expect(proxy.opened).toHaveLength(2))
    const successor = proxy.opened[1]!
    expect(successor.after).toBe(7)
    // The proxy replays after 7; an event the old leader had passed on already is skipped.
    successor.handlers.onEvent(message(7))
    successor.handlers.onEvent(message(8))
    expect(two.events).toEqual([7, 8])
    two.close()
  })

  it('opens a stream in each tab where the browser has no Web Locks', () => {
    const proxy = proxyStreams()
    const channel = broadcastChannel('zchat:https://proxy.test')
    channels.push(channel)
    const one = shareStream(proxy.open, channel, null)
    one(auth, { onEvent: vi.fn(), onStatus: vi.fn(), onGone: vi.fn() })()
    expect(proxy.opened).toEqual([expect.objectContaining({ after: 0 })])
  })
})
