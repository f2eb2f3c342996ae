/**
 * What an operator scrapes at GET /metrics (Prometheus text format). One registry per app, never
 * prom-client's global one, so several apps in one process (tests, a blue/green swap) each count
 * their own.
 *
 * Counters are fed where things happen (a frame written, a trigger handled, a zChat call answered,
 * a refusal, an eviction); gauges are read from their source at scrape time.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { ApiError } from './errors.ts'
import type { EventLog, EvictionReason } from './events/log.ts'
import type { RemovalReason } from './media/store.ts'
import type { DeliveryOutcome } from './messages-left/delivery.ts'
import type { Streams } from './streams.ts'
import type { ZChatCall } from './zchat/client.ts'

/** What became of a webhook call. */
export type WebhookOutcome = 'stored' | 'duplicate' | 'ignored' | 'invalid' | 'forbidden'

/** What became of a visitor's upload. */
export type UploadOutcome = 'stored' | 'too_large' | 'unsupported' | 'invalid'

/** Where the gauges read from; set once the app has its log and streams. */
export type MetricSources = {
  streams: Pick<Streams, 'count' | 'bufferedBytes'>
  log: Pick<EventLog, 'stats'>
}

export type Metrics = {
  observe(sources: MetricSources): void
  countFrame(): void
  /** A stream dropped because its reader fell too far behind. */
  countSlowReader(): void
  countTrigger(type: string, outcome: WebhookOutcome): void
  countZChatCall(call: ZChatCall): void
  countRateLimited(route: string): void
  countEviction(reason: EvictionReason, count: number): void
  countLeftMessage(outcome: DeliveryOutcome): void
  countUpload(outcome: UploadOutcome): void
  countMediaRemoved(reason: RemovalReason, count: number): void
  /** A conversation erased (erasure.ts), at its visitor's request or an operator's. */
  countErasure(by: 'visitor' | 'operator'): void
  /** The exposition text, and the content type to send it with. */
  render(): Promise<{ contentType: string; body: string }>
}

const prefix = 'zchat_proxy_'

// zChat is asked to answer within ZCHAT_TIMEOUT_MS (10 s by default, at most 120 s).
const zchatBuckets = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120]

export function createMetrics(): Metrics {
  const registry = new Registry()
  const registers = [registry]
  let sources: MetricSources | null = null

  // Process and Node.js metrics under their usual names (process_*, nodejs_*), so stock
  // Node.js dashboards work as they are.
  collectDefaultMetrics({ register: registry })

  new Gauge({
    name: `${prefix}open_streams`,
    help: 'Event streams open to visitors now',
    registers,
    collect() {
      if (sources) this.set(sources.streams.count())
    },
  })
  new Gauge({
    name: `${prefix}stream_buffered_bytes`,
    help: 'Bytes written to event streams and not yet taken by their readers (socket buffers and queues)',
    registers,
    collect() {
      if (sources) this.set(sources.streams.bufferedBytes())
    },
  })
  new Gauge({
    name: `${prefix}conversations_held`,
    help: 'Conversations held in the event log now',
    registers,
    collect() {
      if (sources) this.set(sources.log.stats().conversations)
    },
  })
  new Gauge({
    name: `${prefix}events_held`,
    help: 'Conversation events held in the event log now',
    registers,
    collect() {
      if (sources) this.set(sources.log.stats().events)
    },
  })
  new Gauge({
    name: `${prefix}event_log_bytes`,
    help: 'Bytes the in-memory event log holds, as counted against EVENT_LOG_MAX_BYTES (0 on Redis)',
    registers,
    collect() {
      if (sources) this.set(sources.log.stats().bytes)
    },
  })
  const frames = new Counter({
    name: `${prefix}frames_relayed_total`,
    help: 'Conversation events written to the event streams of visitors',
    registers,
  })
  const slowReaders = new Counter({
    name: `${prefix}slow_readers_dropped_total`,
    help: 'Event streams dropped because the reader fell more than STREAM_BUFFER_BYTES behind',
    registers,
  })
  const triggers = new Counter({
    name: `${prefix}webhook_triggers_total`,
    help: 'zChat webhook calls, by trigger type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers,
  })
  const zchatCalls = new Counter({
    name: `${prefix}zchat_calls_total`,
    help: 'Calls to zChat, by endpoint and HTTP status (or timeout, network, bad_response)',
    labelNames: ['endpoint', 'status'] as const,
    registers,
  })
  const zchatSeconds = new Histogram({
    name: `${prefix}zchat_call_duration_seconds`,
    help: 'How long zChat took to answer, by endpoint (failures included)',
    labelNames: ['endpoint'] as const,
    buckets: zchatBuckets,
    registers,
  })
  const refused = new Counter({
    name: `${prefix}rate_limited_total`,
    help: 'Requests refused with 429 by a rate limit, by route',
    labelNames: ['route'] as const,
    registers,
  })
  const evictions = new Counter({
    name: `${prefix}evictions_total`,
    help: 'Conversations forgotten by the event log, by reason (retention: ended, idle, unopened; caps: cap, unopened-cap, budget); event-cap counts events dropped from one conversation',
    labelNames: ['reason'] as const,
    registers,
  })
  const uploads = new Counter({
    name: `${prefix}uploads_total`,
    help: 'Visitor uploads, by outcome',
    labelNames: ['outcome'] as const,
    registers,
  })
  const mediaRemoved = new Counter({
    name: `${prefix}media_removed_total`,
    help: 'Stored files deleted by the media sweep, by reason (expired; unsent: uploaded, never sent; orphan: left by a crash)',
    labelNames: ['reason'] as const,
    registers,
  })

  const leftMessages = new Counter({
    name: `${prefix}left_messages_total`,
    help: 'Left messages and their delivery attempts to LEAVE_MESSAGE_URL, by outcome',
    labelNames: ['outcome'] as const,
    registers,
  })

  const erasures = new Counter({
    name: `${prefix}erasures_total`,
    help: 'Conversations erased with what the proxy kept of them (the earlier chats each carried included), by who asked: its visitor, or an operator (ADMIN_TOKEN)',
    labelNames: ['by'] as const,
    registers,
  })

  return {
    observe(next) {
      sources = next
    },
    countFrame: () => frames.inc(),
    countSlowReader: () => slowReaders.inc(),
    countTrigger: (type, outcome) => triggers.inc({ type, outcome }),
    countZChatCall({ endpoint, status, ms }) {
      zchatCalls.inc({ endpoint, status: String(status) })
      zchatSeconds.observe({ endpoint }, ms / 1000)
    },
    countRateLimited: (route) => refused.inc({ route }),
    countEviction: (reason, count) => evictions.inc({ reason }, count),
    countLeftMessage: (outcome) => leftMessages.inc({ outcome }),
    countUpload: (outcome) => uploads.inc({ outcome }),
    countMediaRemoved: (reason, count) => mediaRemoved.inc({ reason }, count),
    countErasure: (by) => erasures.inc({ by }),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
  }
}

export type MetricsListener = { url: string; close(): Promise<void> }

/**
 * GET /metrics on its own port, for a scraper inside the network: no token, and nothing else
 * served there. Bound to METRICS_HOST (loopback by default) so it is never public by accident.
 */
export async function startMetricsListener(
  metrics: Metrics,
  { port, host }: { port: number; host: string },
): Promise<MetricsListener> {
  const server: Server = createServer((request, response) => {
    const path = request.url?.split('?')[0]
    if (request.method !== 'GET' || path !== '/metrics') {
      response
        .writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify(new ApiError('NOT_FOUND', 'Not found').toBody()))
      return
    }
    metrics.render().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      () =>
        response
          .writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
          .end(JSON.stringify(new ApiError('INTERNAL_ERROR', 'Metrics failed').toBody())),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shown}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // Nothing here is worth waiting for: a scrape cut short is retried at the next interval.
        server.closeAllConnections()
      }),
  }
}
