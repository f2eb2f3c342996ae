/**
 * The conversation's event stream: fetch + our SSE parser (EventSource cannot send Authorization).
 * Reconnects forever with capped exponential backoff and jitter, resuming with Last-Event-ID so the
 * proxy replays exactly what was missed. No bytes for `idleMs` (the proxy pings every ~15 s) means a
 * dead connection that no error will report, so it is dropped and reopened.
 */
import { createSseParser } from '../../proxy/protocol/sse.ts'
import { routes, streamEvents } from '../../proxy/protocol/wire.ts'
import type { Credentials, StreamHandlers } from '../conversation/ports.ts'
import { decodeEvent } from './decode.ts'

export type StreamOptions = {
  base: string
  auth: Credentials
  /** Resume after this event id; 0 streams the conversation from its start. */
  after?: number
  fetch?: typeof fetch
  idleMs?: number
  minDelayMs?: number
  maxDelayMs?: number
  random?: () => number
}

/** Opens the stream; returns a function that closes it for good. */
export function openEventStream(options: StreamOptions, handlers: StreamHandlers): () => void {
  const {
    base,
    auth,
    fetch: fetchFn = fetch,
    idleMs = 45_000,
    minDelayMs = 1_000,
    maxDelayMs = 30_000,
    random = Math.random,
  } = options
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
    const response = await fetchFn(url, { headers, signal, credentials: 'omit', cache: 'no-store' })
    if (response.status === 401 || response.status === 403 || response.status === 404) return 'gone'
    if (!response.ok || response.body === null) return 'dropped'
    handlers.onStatus('live')
    let expired = false
    const parser = createSseParser(
      (message) => {
        if (message.event === streamEvents.expired) expired = true
        else deliver(message.data)
      },
      {
        onRetry: (ms) => {
          serverRetryMs = Math.min(ms, maxDelayMs)
        },
      },
    )
    const reader = response.body.getReader()
    const decoder = new TextDecoder()
    for (;;) {
      const { done, value } = await reader.read()
      if (done || closed) break
      attempt = 0
      watchdog()
      parser.push(decoder.decode(value, { stream: true }))
    }
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
