/**
 * One visitor's SSE connection, written with backpressure: a frame goes to the socket only while
 * the socket takes it; otherwise it waits in a bounded queue. A reader too slow to keep under
 * `maxBufferedBytes` (the socket's buffer plus the queue) is cut off with `destroy()`, not `end()`,
 * which would wait for the very reader that is not reading. Nothing is lost by that: the widget
 * reconnects and resumes from its Last-Event-ID.
 */
import type { ServerResponse } from 'node:http'
import type { LoggedEvent } from '../protocol/wire.ts'

export const frame = (event: LoggedEvent) => `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`

export type EventStream = {
  /** Sends (or queues) an event; ids at or below the last one sent are skipped. */
  send(event: LoggedEvent): void
  /** A comment line (heartbeat), dropped while the reader is behind: it has bytes coming anyway. */
  comment(text: string): void
  /**
   * Resolves once the socket has room again (true), or when the stream is gone (false). A reader
   * that takes nothing for `stallMs` is cut, as one too far behind.
   */
  room(): Promise<boolean>
  /** The id of the last event sent. */
  lastSent(): number
  /** Bytes waiting for this reader: in the socket's buffer and in the queue. */
  buffered(): number
  /** Cuts the reader when it has taken nothing for `stallMs` (checked on each heartbeat). */
  checkStall(): void
}

export type EventStreamOptions = {
  after: number
  maxBufferedBytes: number
  stallMs: number
  onFrame(): void
  /** The reader fell too far behind and the stream was destroyed. */
  onOverflow(): void
}

export function createEventStream(res: ServerResponse, options: EventStreamOptions): EventStream {
  let lastSent = options.after
  const queue: string[] = []
  let queuedBytes = 0
  let waiting = false
  /** Since when the socket has been full (0: it is not). */
  let waitingSince = 0
  let gone = false
  res.once('close', () => {
    gone = true
    queue.length = 0
    queuedBytes = 0
  })

  const buffered = () => res.writableLength + queuedBytes

  function overflow(): void {
    if (gone) return
    gone = true
    options.onOverflow()
    res.destroy()
  }

  function write(text: string): void {
    if (!res.write(text) && !waiting) {
      waiting = true
      waitingSince = Date.now()
      res.once('drain', flush)
    }
  }

  function flush(): void {
    waiting = false
    waitingSince = 0
    while (queue.length > 0 && !waiting && !gone) {
      const next = queue.shift()!
      queuedBytes -= next.length
      write(next)
    }
  }

  return {
    send(event) {
      if (gone || event.id <= lastSent) return
      lastSent = event.id
      const text = frame(event)
      options.onFrame()
      if (!waiting) write(text)
      else {
        queue.push(text)
        queuedBytes += text.length
      }
      // The newest frame alone never counts: one event larger than the cap must still get through
      // to a reader that takes it, or it would be cut, come back and be cut again for ever.
      if (buffered() - text.length > options.maxBufferedBytes) overflow()
    },
    comment(text) {
      if (!gone && !waiting) write(`: ${text}\n\n`)
    },
    room() {
      if (gone) return Promise.resolve(false)
      if (!waiting && queue.length === 0) return Promise.resolve(true)
      return new Promise((resolve) => {
        const stalled = setTimeout(overflow, options.stallMs)
        const done = () => {
          clearTimeout(stalled)
          res.off('close', done)
          res.off('drain', check)
          resolve(!gone)
        }
        const check = () => {
          // flush() runs on the same 'drain': wait until the queue is out too.
          queueMicrotask(() => {
            if (gone || (!waiting && queue.length === 0)) done()
            else res.once('drain', check)
          })
        }
        res.once('close', done)
        res.once('drain', check)
      })
    },
    lastSent: () => lastSent,
    buffered,
    checkStall() {
      if (waiting && waitingSince > 0 && Date.now() - waitingSince >= options.stallMs) overflow()
    },
  }
}
