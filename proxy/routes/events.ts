/**
 * GET /v1/conversations/:id/events: the conversation as Server-Sent Events.
 *
 * Written on the raw Node response (an idle stream costs about 11 KB there, against about 31 KB
 * through a framework's SSE helper). On connect it replays every event after Last-Event-ID, then
 * relays live ones; subscribing before reading the backlog, and skipping ids already sent, makes
 * the hand-over lose and duplicate nothing. Heartbeat comments keep idle streams alive through
 * proxies that cut silent connections.
 */
import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors.ts'
import type { EventLog } from '../events/log.ts'
import type { Metrics } from '../metrics.ts'
import { type LoggedEvent, routes } from '../protocol/wire.ts'
import type { Streams } from '../streams.ts'
import type { Visitors } from '../visitors.ts'
import { visitorConversation } from './conversation.ts'
import { byId } from './guard.ts'

export type EventsDeps = {
  log: EventLog
  visitors: Visitors
  streams: Streams
  heartbeatMs: number
  metrics: Pick<Metrics, 'countFrame'>
}

function lastEventId(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined || value === '') return 0
  if (!/^\d{1,15}$/.test(value))
    throw new ApiError('VALIDATION_ERROR', 'Last-Event-ID must be a non-negative integer')
  return Number(value)
}

const frame = (event: LoggedEvent) => `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`

export async function eventRoutes(
  app: FastifyInstance,
  { log, visitors, streams, heartbeatMs, metrics }: EventsDeps,
) {
  app.get(byId(routes.events), async (request, reply) => {
    const { conversationId } = await visitorConversation(request, visitors, log)
    let lastSent = lastEventId(request.headers['last-event-id'])
    if (!streams.hasRoom())
      throw new ApiError('RATE_LIMITED', 'Too many open event streams; retry shortly')

    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and friends must not buffer the stream.
      'x-accel-buffering': 'no',
    })

    const pending: LoggedEvent[] = []
    let replaying = true
    const send = (event: LoggedEvent) => {
      if (event.id <= lastSent) return
      lastSent = event.id
      res.write(frame(event))
      metrics.countFrame()
    }
    const unsubscribe = log.subscribe(conversationId, (event) =>
      replaying ? pending.push(event) : send(event),
    )
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs)
    let remove = () => {}
    let stopped = false
    const stop = () => {
      if (stopped) return
      stopped = true
      remove()
      clearInterval(heartbeat)
      unsubscribe()
    }
    const closeStream = (retryMs?: number) => {
      stop()
      // `retry:` sets how long the widget waits before it reconnects (and resumes).
      res.end(retryMs === undefined ? undefined : `retry: ${retryMs}\n\n`)
    }
    remove = streams.add(conversationId, closeStream)
    res.on('close', stop)

    try {
      res.write(': stream open\n\n')
      for (const event of await log.readAfter(conversationId, lastSent)) send(event)
      for (const event of pending) send(event)
      pending.length = 0
      replaying = false
    } catch (error) {
      request.log.error({ err: error }, 'event replay failed')
      stop()
      res.destroy()
    }
  })
}
