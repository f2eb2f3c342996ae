/**
 * GET /v1/conversations/:id/events: the conversation as Server-Sent Events.
 *
 * Written on the raw Node response (an idle stream costs about 11 KB there, against about 31 KB
 * through a framework's SSE helper), with backpressure (event-stream.ts). On connect it replays
 * every event after Last-Event-ID, a page at a time as the reader takes them, then relays live
 * ones; subscribing before reading the backlog, and skipping ids already sent, makes the hand-over
 * lose and duplicate nothing. Heartbeat comments keep idle streams alive through
 * proxies that cut silent connections.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { retryFrame, signalFrame } from '../../protocol/sse.ts'
import { type LoggedEvent, routes, streamEvents } from '../../protocol/wire.ts'
import { ApiError } from '../errors.ts'
import type { EventLog } from '../events/log.ts'
import { logRequest } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import type { Streams, TrackedStream } from '../streams.ts'
import type { Visitors } from '../visitors.ts'
import { visitorConversation } from './conversation.ts'
import { createEventStream, type EventStream, type EventStreamOptions } from './event-stream.ts'
import { byId } from './guard.ts'
import { type Beating, createHeartbeats, type Heartbeats } from './heartbeats.ts'

export type EventsDeps = {
  log: EventLog
  visitors: Visitors
  streams: Streams
  heartbeatMs: number
  /** A reader further behind than this (bytes waiting for it) is dropped; it resumes on reconnect. */
  maxBufferedBytes: number
  metrics: Pick<Metrics, 'countFrame' | 'countSlowReader'>
}

function lastEventId(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined || value === '') return 0
  if (!/^\d{1,15}$/.test(value))
    throw new ApiError('VALIDATION_ERROR', 'Last-Event-ID must be a non-negative integer')
  return Number(value)
}

/** The last frame of a stream whose credential expired: the widget stops instead of retrying. */
const expiredFrame = signalFrame(streamEvents.expired)

/** Before a replay that has a gap: what the reader last saw is no longer kept. */
const resetFrame = signalFrame(streamEvents.reset)

/** What a stream answers with: CORS (the widget reads it from another origin) and the request id, no more. */
const keptHeaders = /^(access-control-|vary$|x-request-id$)/

/**
 * The stream's response headers, as few as do their job: each costs memory for as long as the
 * stream is open (Node holds the header block as a string built from its pieces), 10,000 times over.
 */
function streamHeaders(set: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(set))
    if (keptHeaders.test(name) && value !== undefined) headers[name] = String(value)
  headers['content-type'] = 'text/event-stream; charset=utf-8'
  headers['cache-control'] = 'no-cache, no-transform'
  headers['x-content-type-options'] = 'nosniff'
  // Set, so that Node adds no Keep-Alive line of its own.
  headers.connection = 'keep-alive'
  // nginx and friends must not buffer the stream.
  headers['x-accel-buffering'] = 'no'
  return headers
}

/** Replay reads the backlog this many events at a time, each page only once the reader took the last. */
const replayPage = 100

/**
 * One open stream: its state in fields, its code on the prototype (10,000 idle streams would
 * otherwise hold a dozen closures each). It is what the stream registry and the heartbeat hold.
 */
class OpenEventStream implements TrackedStream, Beating {
  readonly reply: FastifyReply
  readonly stream: EventStream<OpenEventStream>
  readonly conversationId: string
  /** When the credential that opened the stream expires (ms). */
  readonly expiresAt: number
  readonly heartbeats: Heartbeats
  /** While the backlog is replayed, live events wait here (made only if one arrives). */
  pending: LoggedEvent[] | null = null
  /** Live events were let go during the replay: read on from the log before going live. */
  missed = false
  replaying = true
  stopped = false
  unsubscribe: () => void = noop
  remove: () => void = noop

  constructor(
    reply: FastifyReply,
    options: EventStreamOptions<OpenEventStream>,
    after: number,
    conversationId: string,
    expiresAt: number,
    heartbeats: Heartbeats,
  ) {
    this.reply = reply
    this.stream = createEventStream(reply.raw, options, after, this)
    this.conversationId = conversationId
    this.expiresAt = expiresAt
    this.heartbeats = heartbeats
  }

  /** A live event from the log. */
  receive(event: LoggedEvent) {
    if (!this.replaying) this.stream.send(event)
    else if (this.pending === null) this.pending = [event]
    else if (this.pending.length < replayPage) this.pending.push(event)
    else {
      this.pending = null
      this.missed = true
    }
  }

  beat(now: number) {
    // A stream lives no longer than the credential that opened it; the widget is told why.
    if (now >= this.expiresAt) this.end(undefined, expiredFrame)
    else {
      this.stream.checkStall()
      this.stream.comment('ping')
    }
  }

  buffered() {
    return this.stream.buffered()
  }

  /** Closes the stream; with `retryMs` it first tells the browser when to reconnect. */
  close(retryMs?: number) {
    this.end(retryMs)
  }

  end(retryMs?: number, last?: string) {
    this.stop()
    const res = this.reply.raw
    // A reader that is behind would hold `end()` open: it resumes on reconnect anyway.
    if (this.stream.buffered() > 0) {
      res.destroy()
      return
    }
    // `retry:` sets how long the widget waits before it reconnects (and resumes).
    res.end(last ?? (retryMs === undefined ? undefined : retryFrame(retryMs)))
  }

  stop() {
    if (this.stopped) return
    this.stopped = true
    this.remove()
    this.heartbeats.delete(this)
    this.unsubscribe()
    this.pending = null
  }

  /** The connection closed: the stream's request line (cut short unless we ended it). */
  closed() {
    this.stop()
    if (!this.reply.raw.writableFinished) logRequest(this.reply.request, this.reply, true)
  }
}

const noop = () => {}

export async function eventRoutes(
  app: FastifyInstance,
  { log, visitors, streams, heartbeatMs, maxBufferedBytes, metrics }: EventsDeps,
) {
  const heartbeats = createHeartbeats(heartbeatMs)
  /** The same for every stream: one object, not one per stream. */
  const streamOptions: EventStreamOptions<OpenEventStream> = {
    maxBufferedBytes,
    // A reader that takes nothing for two heartbeats is not coming back on this connection.
    stallMs: 2 * heartbeatMs,
    onFrame: metrics.countFrame,
    onOverflow: (stream) => {
      metrics.countSlowReader()
      const { reply, conversationId } = stream.tag
      reply.log.info({ conversationId }, 'dropped a stream whose reader fell behind')
    },
  }
  // Helmet's headers protect documents (framing, sniffing, opener, HSTS on first contact); an event
  // stream is read by fetch with a bearer credential and never rendered, and Node keeps every
  // header line of a stream for its whole life: streamHeaders leaves them out but for nosniff.
  app.get(
    byId(routes.events),
    // The stream writes its own request line when it closes (logger.ts).
    { config: { ownRequestLine: true } },
    async (request, reply) => {
      const { conversationId, expiresAt } = await visitorConversation(request, visitors, log)
      const after = lastEventId(request.headers['last-event-id'])
      if (!(await streams.hasRoom(request.ip)))
        throw new ApiError('RATE_LIMITED', 'Too many open event streams; retry shortly')

      reply.hijack()
      const res = reply.raw
      res.writeHead(200, streamHeaders(reply.getHeaders()))
      // Sent now and alone, the header block is written out flat: held until the first frame, Node
      // would keep it as the rope of pieces it was built from (about 1.5 KB) for the stream's life.
      res.flushHeaders()

      const open = new OpenEventStream(
        reply,
        streamOptions,
        after,
        conversationId,
        expiresAt.getTime(),
        heartbeats,
      )
      const { stream } = open
      open.unsubscribe = log.subscribe(conversationId, (event) => open.receive(event))
      heartbeats.add(open)
      open.remove = streams.add(conversationId, request.ip, open)
      // `on`, not `once`: 'close' comes once anyway, and `once` adds a wrapper and its state.
      res.on('close', () => open.closed())

      try {
        stream.comment('stream open')
        // From 0 too: a page reloaded, or another tab, would show what is kept as the whole story.
        if (after < (await log.droppedThrough(conversationId))) res.write(resetFrame)
        // The backlog goes at the reader's pace: each frame once the socket has room for it.
        replay: for (;;) {
          open.pending = null
          open.missed = false
          const page = await log.readAfter(conversationId, stream.lastSent(), replayPage)
          for (const event of page) {
            stream.send(event)
            if (!(await stream.room())) break replay
          }
          if ((page.length < replayPage && !open.missed) || open.stopped) break
        }
        open.replaying = false
        for (const event of open.pending ?? []) stream.send(event)
        open.pending = null
      } catch (error) {
        request.log.error({ err: error }, 'event replay failed')
        open.stop()
        res.destroy()
      }
    },
  )
}
