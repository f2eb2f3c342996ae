import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LoggedEvent } from '../../protocol/wire.ts'
import type { StreamStatus } from '../conversation/ports.ts'
import { nativeFetch, openEventStream } from './events.ts'

const base = 'https://proxy.test'
const auth = { conversationId: 'c1', credential: 'secret' }
const at = '2025-01-01T00:00:00.000Z'
const frame = (id: number, type = 'typing') =>
  `id: ${id}\ndata: ${JSON.stringify({ id, at, type })}\n\n`

/** A server we control: each fetch gets a stream the test writes to and closes. */
function fakeServer() {
  const requests: Array<{ headers: Record<string, string>; signal: AbortSignal }> = []
  const streams: Array<ReadableStreamDefaultController<Uint8Array>> = []
  const statuses: number[] = []
  const encoder = new TextEncoder()
  const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    const signal = init?.signal as AbortSignal
    requests.push({ headers: init?.headers as Record<string, string>, signal })
    const status = statuses.shift() ?? 200
    if (status !== 200) return new Response(null, { status })
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        streams.push(controller)
        signal.addEventListener('abort', () => controller.error(signal.reason))
      },
    })
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } })
  })
  return {
    fetch,
    requests,
    statuses,
    write: (text: string) => streams.at(-1)?.enqueue(encoder.encode(text)),
    end: () => streams.at(-1)?.close(),
  }
}

/**
 * A server reached through XMLHttpRequest, as the stream is read when the page's fetch is a
 * polyfill: the response text grows and each growth is a progress event.
 */
function xhrServer() {
  const requests: Array<{ url: string; headers: Record<string, string>; aborted: boolean }> = []
  let current: FakeXhr | undefined
  class FakeXhr {
    readyState = 0
    status = 0
    responseText = ''
    onreadystatechange: (() => void) | null = null
    onprogress: (() => void) | null = null
    onload: (() => void) | null = null
    onerror: (() => void) | null = null
    onabort: (() => void) | null = null
    request = { url: '', headers: {} as Record<string, string>, aborted: false }
    open(_method: string, url: string) {
      this.request.url = url
    }
    setRequestHeader(name: string, value: string) {
      this.request.headers[name] = value
    }
    send() {
      requests.push(this.request)
      current = this
    }
    abort() {
      this.request.aborted = true
      this.onabort?.()
    }
  }
  return {
    requests,
    xhr: () => new FakeXhr() as unknown as XMLHttpRequest,
    answer(status = 200) {
      current!.readyState = 2
      current!.status = status
      current!.onreadystatechange?.()
    },
    write(text: string) {
      current!.responseText += text
      current!.onprogress?.()
    },
    end: () => current!.onload?.(),
    /** A network error: XHR reports no status. */
    fail: () => current!.onerror?.(),
  }
}

function collect() {
  const events: LoggedEvent[] = []
  const statuses: StreamStatus[] = []
  const gone = vi.fn()
  const reset = vi.fn()
  return {
    events,
    statuses,
    gone,
    reset,
    handlers: {
      onEvent: (e: LoggedEvent) => events.push(e),
      onStatus: (s: StreamStatus) => statuses.push(s),
      onGone: gone,
      onReset: reset,
    },
  }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('openEventStream', () => {
  it('streams events with the credential in a header, from the start', async () => {
    const server = fakeServer()
    const out = collect()
    const close = openEventStream({ base, auth, fetch: server.fetch }, out.handlers)
    await vi.advanceTimersByTimeAsync(0)
    server.write(`${frame(1, 'accepted')}: ping\n\n`)
    server.write(frame(2))
    await vi.advanceTimersByTimeAsync(0)
    expect(out.events.map((e) => e.id)).toEqual([1, 2])
    expect(server.fetch.mock.calls[0]?.[0]).toBe(`${base}/v1/conversations/c1/events`)
    expect(server.requests[0]?.headers).toEqual({
      Accept: 'text/event-stream',
      Authorization: 'Bearer secret',
    })
    expect(out.statuses).toEqual(['connecting', 'live'])
    close()
  })

  it('reconnects after a drop, resuming with Last-Event-ID and skipping what it already has', async () => {
    const server = fakeServer()
    const out = collect()
    const close = openEventStream(
      { base, auth, fetch: server.fetch, random: () => 0 },
      out.handlers,
    )
    await vi.advanceTimersByTimeAsync(0)
    server.write(frame(1) + frame(2))
    await vi.advanceTimersByTimeAsync(0)
    server.end()
    await vi.advanceTimersByTimeAsync(0)
    expect(out.statuses.at(-1)).toBe('reconnecting')
    expect(server.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(500)
    expect(server.requests[1]?.headers['Last-Event-ID']).toBe('2')
    server.write(frame(2) + frame(3))
    await vi.advanceTimersByTimeAsync(0)
    expect(out.events.map((e) => e.id)).toEqual([1, 2, 3])
    close()
  })

  it('waits as long as a draining proxy says before it reconnects, then resumes', async () => {
    const server = fakeServer()
    const close = openEventStream(
      { base, auth, fetch: server.fetch, random: () => 0 },
      collect().handlers,
    )
    await vi.advanceTimersByTimeAsync(0)
    server.write(`${frame(4)}retry: 3700\n\n`)
    server.end()
    await vi.advanceTimersByTimeAsync(3_699)
    expect(server.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(server.requests).toHaveLength(2)
    expect(server.requests[1]?.headers['Last-Event-ID']).toBe('4')
    // Only once: the next drop backs off as usual.
    server.write(': ping\n\n')
    await vi.advanceTimersByTimeAsync(0)
    server.end()
    await vi.advanceTimersByTimeAsync(500)
    expect(server.requests).toHaveLength(3)
    close()
  })

  it('stops for good when the proxy says the credential expired', async () => {
    const server = fakeServer()
    const out = collect()
    const close = openEventStream({ base, auth, fetch: server.fetch }, out.handlers)
    await vi.advanceTimersByTimeAsync(0)
    server.write(`${frame(1)}event: expired\ndata: {}\n\n`)
    server.end()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(out.gone).toHaveBeenCalledOnce()
    expect(server.requests).toHaveLength(1)
    expect(out.events.map((e) => e.id)).toEqual([1])
    close()
  })

  it('resumes after the given id', async () => {
    const server = fakeServer()
    const close = openEventStream({ base, auth, fetch: server.fetch, after: 9 }, collect().handlers)
    await vi.advanceTimersByTimeAsync(0)
    expect(server.requests[0]?.headers['Last-Event-ID']).toBe('9')
    close()
  })

  it('treats a silent connection as dead and reconnects', async () => {
    const server = fakeServer()
    const close = openEventStream(
      { base, auth, fetch: server.fetch, random: () => 0 },
      collect().handlers,
    )
    await vi.advanceTimersByTimeAsync(0)
    server.write(': ping\n\n')
    await vi.advanceTimersByTimeAsync(44_000)
    server.write(': ping\n\n')
    await vi.advanceTimersByTimeAsync(44_000)
    expect(server.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(server.requests[0]?.signal.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(500)
    expect(server.requests).toHaveLength(2)
    close()
  })

  it('backs off exponentially with jitter, up to a ceiling, while the proxy fails', async () => {
    const server = fakeServer()
    server.statuses.push(502, 502, 502, 502, 502, 502, 502)
    const close = openEventStream(
      { base, auth, fetch: server.fetch, random: () => 1, maxDelayMs: 8_000 },
      collect().handlers,
    )
    const times: number[] = []
    const start = Date.now()
    for (let i = 0; i < 7; i++) {
      await vi.advanceTimersToNextTimerAsync()
      times.push(Date.now() - start)
    }
    expect(times).toEqual([1_000, 3_000, 7_000, 15_000, 23_000, 31_000, 39_000])
    expect(server.requests).toHaveLength(8)
    close()
  })

  it('stops and reports a conversation that is gone', async () => {
    const server = fakeServer()
    server.statuses.push(404)
    const out = collect()
    openEventStream({ base, auth, fetch: server.fetch }, out.handlers)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(out.gone).toHaveBeenCalledOnce()
    expect(server.requests).toHaveLength(1)
  })

  it('reconnects after a network error', async () => {
    const server = fakeServer()
    server.fetch.mockRejectedValueOnce(new TypeError('offline'))
    const close = openEventStream(
      { base, auth, fetch: server.fetch, random: () => 0 },
      collect().handlers,
    )
    await vi.advanceTimersByTimeAsync(500)
    expect(server.requests).toHaveLength(1)
    expect(server.fetch).toHaveBeenCalledTimes(2)
    close()
  })

  it('stops for good when closed', async () => {
    const server = fakeServer()
    const out = collect()
    const close = openEventStream({ base, auth, fetch: server.fetch }, out.handlers)
    await vi.advanceTimersByTimeAsync(0)
    close()
    expect(server.requests[0]?.signal.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(120_000)
    expect(server.fetch).toHaveBeenCalledTimes(1)
    expect(out.statuses).toEqual(['connecting', 'live'])
  })

  it('says when the proxy no longer keeps what was missed, then takes what it still keeps', async () => {
    const server = fakeServer()
    const out = collect()
    const close = openEventStream({ base, auth, fetch: server.fetch, after: 3 }, out.handlers)
    await vi.advanceTimersByTimeAsync(0)
    server.write(`event: reset\ndata: {}\n\n${frame(7)}`)
    await vi.advanceTimersByTimeAsync(0)
    expect(out.reset).toHaveBeenCalledOnce()
    expect(out.events.map((e) => e.id)).toEqual([7])
    close()
  })
})

describe('openEventStream over XHR (the page replaced fetch with a polyfill)', () => {
  // The XHR reader is a part of its own, loaded when first needed: loaded once here, each test
  // then waits for the import (a few microtasks) with the timers.
  beforeAll(() => import('./xhr-stream.ts'))

  it("does not take a page script for the browser's fetch", () => {
    // Browsers print their own functions as `function fetch() { [native code] }`.
    vi.stubGlobal('fetch', Math.max)
    expect(nativeFetch()).toBe(true)
    vi.stubGlobal('fetch', async () => new Response(''))
    expect(nativeFetch()).toBe(false)
    vi.unstubAllGlobals()
  })

  it('streams from progress events with the credential, and resumes after a drop', async () => {
    const server = xhrServer()
    const out = collect()
    const close = openEventStream({ base, auth, xhr: server.xhr, random: () => 0 }, out.handlers)
    await vi.advanceTimersByTimeAsync(0)
    expect(server.requests[0]).toMatchObject({
      url: `${base}/v1/conversations/c1/events`,
      headers: { Accept: 'text/event-stream', Authorization: 'Bearer secret' },
    })
    server.answer()
    await vi.advanceTimersByTimeAsync(0)
    server.write(frame(1).slice(0, 9))
    server.write(frame(1).slice(9) + frame(2))
    expect(out.events.map((e) => e.id)).toEqual([1, 2])
    expect(out.statuses).toEqual(['connecting', 'live'])
    server.end()
    await vi.advanceTimersByTimeAsync(500)
    expect(server.requests[1]?.headers['Last-Event-ID']).toBe('2')
    server.answer()
    await vi.advanceTimersByTimeAsync(0)
    server.write(frame(2) + frame(3))
    expect(out.events.map((e) => e.id)).toEqual([1, 2, 3])
    close()
    expect(server.requests[1]?.aborted).toBe(true)
  })

  it('stops for a conversation that is gone, and reconnects after a network error', async () => {
    const server = xhrServer()
    const out = collect()
    openEventStream({ base, auth, xhr: server.xhr, random: () => 0 }, out.handlers)
    await vi.advanceTimersByTimeAsync(0)
    server.fail()
    await vi.advanceTimersByTimeAsync(500)
    expect(server.requests).toHaveLength(2)
    server.answer(404)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(out.gone).toHaveBeenCalledOnce()
    expect(server.requests).toHaveLength(2)
  })

  it('turns to XHR when a fetch answers the stream with no streaming body', async () => {
    const server = xhrServer()
    // whatwg-fetch's Response has no `body`.
    const polyfill = vi.fn(
      async () => ({ ok: true, status: 200, body: undefined }) as unknown as Response,
    )
    const out = collect()
    const close = openEventStream(
      { base, auth, fetch: polyfill, xhr: server.xhr, random: () => 0 },
      out.handlers,
    )
    await vi.advanceTimersByTimeAsync(500)
    expect(polyfill).toHaveBeenCalledOnce()
    server.answer()
    await vi.advanceTimersByTimeAsync(0)
    server.write(frame(1))
    expect(out.events.map((e) => e.id)).toEqual([1])
    close()
  })

  it('reopens a long-lived stream before responseText holds more than a megabyte', async () => {
    const server = xhrServer()
    const out = collect()
    const close = openEventStream({ base, auth, xhr: server.xhr, random: () => 0 }, out.handlers)
    await vi.advanceTimersByTimeAsync(0)
    server.answer()
    await vi.advanceTimersByTimeAsync(0)
    server.write(frame(1))
    server.write(`: ${'x'.repeat(1 << 20)}\n\n`)
    expect(server.requests[0]?.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(500)
    expect(server.requests[1]?.headers['Last-Event-ID']).toBe('1')
    close()
  })
})
