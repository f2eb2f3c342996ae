/**
 * One visitor's SSE connection, written with backpressure: a frame goes to the socket only while
 * the socket takes it; otherwise it waits in a bounded queue. A reader too slow to keep under
 * `maxBufferedBytes` (the socket's buffer plus the queue) is cut off with `destroy()`, not `end()`,
 * which would wait for the very reader that is not reading. Nothing is lost by that: the widget
 * reconnects and resumes from its Last-Event-ID.
 */
import type { ServerResponse } from 'node:http'
import { commentFrame, dataFrame } from '../../protocol/sse.ts'
import type { LoggedEvent } from '../../protocol/wire.ts'

export type EventStream<Tag = unknown> = {
  /** What the owner knows the stream by, for its log lines. */
  readonly tag: Tag
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

/** The same options serve every stream. */
export type EventStreamOptions<Tag = unknown> = {
  maxBufferedBytes: number
  stallMs: number
  onFrame(): void
  /** The reader fell too far behind and the stream was destroyed. */
  onOverflow(stream: EventStream<Tag>): void
}

/**
 * One object per stream, its state in fields and its code on the prototype: 10,000 idle streams
 * would otherwise hold a dozen closures and their contexts each.
 */
class Stream<Tag> implements EventStream<Tag> {
  readonly #res: ServerResponse
  readonly #options: EventStreamOptions<Tag>
  #lastSent: number
  /** Frames waiting for the socket to drain; made only for a reader that falls behind. */
  #queue: string[] | null = null
  #queuedBytes = 0
  #waiting = false
  /** Since when the socket has been full (0: it is not). */
  #waitingSince = 0
  #gone = false

  readonly tag: Tag

  constructor(res: ServerResponse, options: EventStreamOptions<Tag>, after: number, tag: Tag) {
    this.#res = res
    this.#options = options
    this.#lastSent = after
    this.tag = tag
    // `on`, not `once`: 'close' comes once anyway, and `once` adds a wrapper and its state.
    res.on('close', () => {
      this.#gone = true
      this.#queue = null
      this.#queuedBytes = 0
    })
  }

  buffered(): number {
    return this.#res.writableLength + this.#queuedBytes
  }

  lastSent(): number {
    return this.#lastSent
  }

  #overflow(): void {
    if (this.#gone) return
    this.#gone = true
    this.#options.onOverflow(this)
    this.#res.destroy()
  }

  #write(text: string): void {
    if (!this.#res.write(text) && !this.#waiting) {
      this.#waiting = true
      this.#waitingSince = Date.now()
      this.#res.once('drain', () => this.#flushQueue())
    }
  }

  #flushQueue(): void {
    this.#waiting = false
    this.#waitingSince = 0
    const queue = this.#queue
    while (queue && queue.length > 0 && !this.#waiting && !this.#gone) {
      const next = queue.shift()!
      this.#queuedBytes -= next.length
      this.#write(next)
    }
  }

  send(event: LoggedEvent): void {
    if (this.#gone || event.id <= this.#lastSent) return
    this.#lastSent = event.id
    const text = dataFrame(event.id, event)
    this.#options.onFrame()
    if (!this.#waiting) this.#write(text)
    else {
      this.#queue ??= []
      this.#queue.push(text)
      this.#queuedBytes += text.length
    }
    // The newest frame alone never counts: one event larger than the cap must still get through
    // to a reader that takes it, or it would be cut, come back and be cut again for ever.
    if (this.buffered() - text.length > this.#options.maxBufferedBytes) this.#overflow()
  }

  comment(text: string): void {
    if (!this.#gone && !this.#waiting) this.#write(commentFrame(text))
  }

  room(): Promise<boolean> {
    if (this.#gone) return Promise.resolve(false)
    if (!this.#waiting && !this.#queue?.length) return Promise.resolve(true)
    const res = this.#res
    return new Promise((resolve) => {
      const stalled = setTimeout(() => this.#overflow(), this.#options.stallMs)
      const done = () => {
        clearTimeout(stalled)
        res.off('close', done)
        res.off('drain', check)
        resolve(!this.#gone)
      }
      const check = () => {
        // The queue is flushed on the same 'drain': wait until it is out too.
        queueMicrotask(() => {
          if (this.#gone || (!this.#waiting && !this.#queue?.length)) done()
          else res.once('drain', check)
        })
      }
      res.once('close', done)
      res.once('drain', check)
    })
  }

  checkStall(): void {
    if (
      this.#waiting &&
      this.#waitingSince > 0 &&
      Date.now() - this.#waitingSince >= this.#options.stallMs
    )
      this.#overflow()
  }
}

export function createEventStream<Tag = undefined>(
  res: ServerResponse,
  options: EventStreamOptions<Tag>,
  /** The id the reader has (0: none). */
  after: number,
  tag?: Tag,
): EventStream<Tag> {
  return new Stream(res, options, after, tag as Tag)
}
