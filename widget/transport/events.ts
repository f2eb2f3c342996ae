/**
 * The conversation's event stream: fetch + our SSE parser (EventSource cannot send Authorization).
 * Reconnects forever with capped exponential backoff and jitter, resuming with Last-Event-ID so the
 * proxy replays exactly what was missed. No bytes for `idleMs` (the proxy pings every ~15 s) means a
 * dead connection that no error will report, so it is dropped and reopened.
 *
 * A page may have replaced `fetch` with a polyfill over XHR (whatwg-fetch and the like): its
 * promise settles only when the response ends, which an event stream never does, and its Response
 * has no streaming body. So unless `fetch` is the browser's own, the stream is read from XHR's
 * progress events instead (xhr-stream.ts, a part of its own loaded only on such pages).
 */
import { createSseParser } from '../../protocol/sse.ts'
import { routes, streamEvents } from '../../protocol/wire.ts'
import type { Credentials, StreamHandlers } from '../conversation/ports.ts'
import { decodeEvent } from './decode.ts'
import type { Opened } from './xhr-stream.ts'

export type StreamOptions = {
  base: string
  auth: Credentials
  /** Resume after this event id; 0 streams the conversation from its start. */
  after?: number
  /** Read with this fetch; by default the page's own, if it is the browser's, else XHR. */
  fetch?: typeof fetch
  /**
   * Makes the XHR read from when `fetch` cannot stream: the page's fetch is not the browser's, or
   * answered the stream with no streaming body.
   */
  xhr?: () => XMLHttpRequest
  idleMs?: number
  minDelayMs?: number
  maxDelayMs?: number
  random?: () => number
}

/** Whether the page's `fetch` is the browser's own, whose body streams. */
export function nativeFetch(): boolean {
  return typeof ReadableStream === 'function' && /\[native code\]/.test(String(globalThis.fetch))
}

/** Opens the stream; returns a function that closes it for good. */
export function openEventStream(options: StreamOptions, handlers: StreamHandlers): () => void {
  const {
    base,
    auth,
    idleMs = 45_000,
    minDelayMs = 1_000,
    maxDelayMs = 30_000,
    random = Math.random,
  } = options
  const newXhr = options.xhr ?? (() => new XMLHttpRequest())
  let viaXhrNow = !options.fetch && !nativeFetch()
  let last = options.after ?? 0
  let attempt = 0
  /** The proxy's own `retry:` (sent when it drains, already jittered): the next wait, once. */
  let serverRetryMs: number | null = null
  let closed = false
  let controller: AbortController | undefined
  let timer: ReturnType<typeof setTimeout> | undefined

  const url = base + routes.events(auth.conversationId)

  function deliver(data: string): void {
    const event = decodeEvent(data)
    // Belt and braces: the proxy replays after Last-Event-ID, but never apply an id twice.
    if (event === null || event.id <= last) return
    last = event.id
    handlers.onEvent(event)
  }

  async function viaFetch(headers: Record<string, string>, signal: AbortSignal): Promise<Opened> {
    const response = await (options.fetch ?? fetch)(url, {
      headers,
      signal,
      credentials: 'omit',
      cache: 'no-store',
    })
    const body = response.body
    // A fetch that answered the stream with no streaming body: XHR from the next attempt on.
    if (response.ok && !body) viaXhrNow = true
    return {
      status: response.status,
      ...(body && {
        read: async (push) => {
          const reader = body.getReader()
          const decoder = new TextDecoder()
          for (;;) {
            const { done, value } = await reader.read()
            if (done || closed) return
            push(decoder.decode(value, { stream: true }))
          }
        },
      }),
    }
  }

  async function connect(): Promise<'gone' | 'dropped'> {
    controller = new AbortController()
    const { signal } = controller
    const watchdog = () => {
      clearTimeout(timer)
      timer = setTimeout(() => controller?.abort(), idleMs)
    }
    watchdog()
    const headers: Record<string, string> = {
      Accept: 'text/event-stream',
      Authorization: `Bearer ${auth.credential}`,
    }
    if (last > 0) headers['Last-Event-ID'] = String(last)
    const { status, read } = await (viaXhrNow
      ? import('./xhr-stream.ts').then(({ openXhrStream }) =>
          openXhrStream(newXhr(), url, headers, signal),
        )
      : viaFetch(headers, signal))
    if (status === 401 || status === 403 || status === 404) return 'gone'
    if (status < 200 || status > 299 || !read) return 'dropped'
    handlers.onStatus('live')
    let expired = false
    const parser = createSseParser(
      (message) => {
        if (message.event === streamEvents.expired) expired = true
        else if (message.event === streamEvents.reset) handlers.onReset?.()
        else deliver(message.data)
      },
      {
        onRetry: (ms) => {
          serverRetryMs = Math.min(ms, maxDelayMs)
        },
      },
    )
    await read((text) => {
      if (closed) return
      attempt = 0
      watchdog()
      parser.push(text)
    })
    // The credential ran out: reconnecting would only be refused.
    return expired ? 'gone' : 'dropped'
  }

  async function run(): Promise<void> {
    handlers.onStatus('connecting')
    while (!closed) {
      const outcome = await connect().catch(() => 'dropped' as const)
      clearTimeout(timer)
      if (closed) return
      if (outcome === 'gone') {
        closed = true
        handlers.onGone()
        return
      }
      handlers.onStatus('reconnecting')
      const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** attempt)
      attempt++
      const delay = serverRetryMs ?? ceiling / 2 + (random() * ceiling) / 2
      serverRetryMs = null
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, delay)
      })
    }
  }

  void run()
  return () => {
    closed = true
    clearTimeout(timer)
    controller?.abort()
  }
}
