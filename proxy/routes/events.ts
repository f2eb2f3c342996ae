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
import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors.ts'
import type { EventLog } from '../events/log.ts'
import type { Metrics } from '../metrics.ts'
import { type LoggedEvent, routes, streamEvents } from '../protocol/wire.ts'
import type { Streams } from '../streams.ts'
import type { Visitors } from '../visitors.ts'
import { visitorConversation } from './conversation.ts'
import { createEventStream } from './event-stream.ts'
import { byId } from './guard.ts'

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
const expiredFrame = `event: ${streamEvents.expired}\ndata: {}\n\n`

/** Before a replay that has a gap: what the reader last saw is no longer kept. */
const resetFrame = `event: ${streamEvents.reset}\ndata: {}\n\n`

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

export async function eventRoutes(
  app: FastifyInstance,
  { log, visitors, streams, heartbeatMs, maxBufferedBytes, metrics }: EventsDeps,
) {
  // Helmet's headers protect documents (framing, sniffing, opener, HSTS on first contact); an event
  // stream is read by fetch with a bearer credential and never rendered, and Node keeps every
  // header line of a stream for its whole life. The one that still means something is set below.
  app.get(byId(routes.events), { helmet: false }, async (request, reply) => {
    const { conversationId, expiresAt } = await visitorConversation(request, visitors, log)
    const after = lastEventId(request.headers['last-event-id'])
    if (!(await streams.hasRoom(request.ip)))
      throw new ApiError('RATE_LIMITED', 'Too many open event streams; retry shortly')

    reply.hijack()
    const res = reply.raw
    res.writeHead(200, streamHeaders(reply.getHeaders()))

    const stream = createEventStream(res, {
      after,
      maxBufferedBytes,
      // A reader that takes nothing for two heartbeats is not coming back on this connection.
      stallMs: 2 * heartbeatMs,
      onFrame: metrics.countFrame,
      onOverflow: () => {
        metrics.countSlowReader()
        request.log.info({ conversationId }, 'dropped a stream whose reader fell behind')
      },
    })
    // While the backlog is replayed, live events wait: only those since the last page read (the
    // next page covers the others), so a reader that stalls the replay holds nothing extra.
    const pending: LoggedEvent[] = []
    /** Live events were let go during the replay: read on from the log before going live. */
    let missed = false
    let replaying = true
    const unsubscribe = log.subscribe(conversationId, (event) => {
      if (!replaying) stream.send(event)
      else if (pending.length < replayPage) pending.push(event)
      else {
        pending.length = 0
        missed = true
      }
    })
    const heartbeat = setInterval(() => {
      // A stream lives no longer than the credential that opened it; the widget is told why.
      if (Date.now() >= expiresAt.getTime()) closeStream(undefined, expiredFrame)
      else {
        stream.checkStall()
        stream.comment('ping')
      }
    }, heartbeatMs)
    let remove = () => {}
    let stopped = false
    const stop = () => {
      if (stopped) return
      stopped = true
      remove()
      clearInterval(heartbeat)
      unsubscribe()
      pending.length = 0
    }
    const closeStream = (retryMs?: number, last?: string) => {
      stop()
      // A reader that is behind would hold `end()` open: it resumes on reconnect anyway.
      if (stream.buffered() > 0) {
        res.destroy()
        return
      }
      // `retry:` sets how long the widget waits before it reconnects (and resumes).
      res.end(last ?? (retryMs === undefined ? undefined : `retry: ${retryMs}\n\n`))
    }
    remove = streams.add(conversationId, request.ip, {
      close: closeStream,
      buffered: stream.buffered,
    })
    res.on('close', stop)

    try {
      stream.comment('stream open')
      // From 0 too: a page reloaded, or another tab, would show what is kept as the whole story.
      if (after < (await log.droppedThrough(conversationId))) res.write(resetFrame)
      // The backlog goes at the reader's pace: each frame once the socket has room for it.
      replay: for (;;) {
        pending.length = 0
        missed = false
        const page = await log.readAfter(conversationId, stream.lastSent(), replayPage)
        for (const event of page) {
          stream.send(event)
          if (!(await stream.room())) break replay
        }
        if ((page.length < replayPage && !missed) || stopped) break
      }
      replaying = false
      for (const event of pending) stream.send(event)
      pending.length = 0
    } catch (error) {
      request.log.error({ err: error }, 'event replay failed')
      stop()
      res.destroy()
    }
  })
}
