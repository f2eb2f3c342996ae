/**
 * A streaming parser for text/event-stream, per the HTML spec's "interpret an event stream": any line
 * ending (CRLF, LF, CR), comments, multi-line data, chunks split anywhere (even between CR and LF).
 * The widget needs it because EventSource cannot send an Authorization header; the proxy's tests
 * read its streams with it too, so both sides agree on one reading of the wire. No dependencies.
 */
export type SseMessage = { id: string | undefined; event: string; data: string }

export type SseParser = {
  /** Feed decoded text; complete messages are passed to the callback as they end. */
  push(text: string): void
}

export type SseExtras = {
  /**
   * Each comment line's text after the colon, as sent (the spec ignores comments; the proxy's
   * heartbeats are comments, which its tests count).
   */
  onComment?: (text: string) => void
  /** A `retry:` field: how long to wait before reconnecting, in ms (the proxy sends one when it drains). */
  onRetry?: (ms: number) => void
}

export function createSseParser(
  onMessage: (message: SseMessage) => void,
  { onComment, onRetry }: SseExtras = {},
): SseParser {
  let buffer = ''
  let first = true
  /** A CR ended the last chunk: a LF at the start of the next one belongs to it. */
  let pendingCr = false
  let data: string[] = []
  let event = ''
  let id: string | undefined

  function dispatch(): void {
    if (data.length > 0) onMessage({ id, event: event || 'message', data: data.join('\n') })
    data = []
    event = ''
  }

  function line(text: string): void {
    if (text === '') {
      dispatch()
      return
    }
    if (text.startsWith(':')) {
      onComment?.(text.slice(1))
      return
    }
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') event = value
    // The spec drops ids containing NUL; `id` persists across messages until changed.
    else if (field === 'id' && !value.includes('\0')) id = value
    // The spec takes only ASCII digits, and ignores the field otherwise.
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry?.(Number(value))
  }

  return {
    push(text) {
      if (text === '') return
      if (first) {
        first = false
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      }
      if (pendingCr && text.startsWith('\n')) text = text.slice(1)
      pendingCr = false
      buffer += text
      let start = 0
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i]
        if (c !== '\n' && c !== '\r') continue
        line(buffer.slice(start, i))
        if (c === '\r') {
          if (i + 1 === buffer.length) pendingCr = true
          else if (buffer[i + 1] === '\n') i++
        }
        start = i + 1
      }
      buffer = buffer.slice(start)
    },
  }
}

// ---- Writing: the proxy's side of the same wire ---------------------------------------------
// Beside the parser so that one file holds both readings of text/event-stream. JSON never holds a
// raw line break, so one `data:` line carries any event.

/** An event the reader resumes after (its Last-Event-ID), its data one JSON line. */
export const dataFrame = (id: number, data: unknown) =>
  `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`

/** A named signal with no id: the reader acts on it but never resumes from it. */
export const signalFrame = (event: string) => `event: ${event}\ndata: {}\n\n`

/** A comment: keeps the connection (and every proxy on the way) from idling out; readers skip it. */
export const commentFrame = (text: string) => `: ${text}\n\n`

/** How long the reader waits before it reconnects. */
export const retryFrame = (ms: number) => `retry: ${ms}\n\n`
