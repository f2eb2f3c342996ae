/**
 * Starts the proxy from a parsed config: the app on its port, the metrics listener when one is
 * configured, and the drain that SIGTERM runs. The production entry (main.ts) and the demo
 * (demo/main.ts) both start the product through here.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import { buildApp } from './app.ts'
import { type Config, ConfigError } from './env.ts'
import { createEvictionReport, type EvictionReport } from './events/evictions.ts'
import type { EventLog } from './events/log.ts'
import { createMemoryLog } from './events/memory.ts'
import { createLogger } from './logger.ts'
import { processAllowance, uploadCaps } from './media/allowance.ts'
import { createMediaStore, type MediaStore } from './media/store.ts'
import { createFolderDeadLetters, type DeadLetters } from './messages-left/dead-letters.ts'
import { createDeliveries } from './messages-left/delivery.ts'
import {
  createMetrics,
  type Metrics,
  type MetricsListener,
  startMetricsListener,
} from './metrics.ts'
import { sharedRateLimitStore } from './rate-limit-store.ts'
import { createRedisLog, type RedisLog } from './redis/log.ts'
import { createStreams, type Streams } from './streams.ts'
import { createMemoryTranscripts } from './transcripts/memory.ts'
import { createVisitors } from './visitors.ts'
import { createZChatClient } from './zchat/client.ts'

export type Running = {
  app: FastifyInstance
  /** Where the proxy listens, as a URL (its public URL may differ). */
  url: string
  /** The separate metrics listener's GET /metrics URL, when METRICS_PORT is set. */
  metricsUrl: string | null
  /** Stops taking work, lets what is in flight finish, tells streams to reconnect, closes. */
  drain(): Promise<void>
  close(): Promise<void>
}

export type ServerOptions = {
  /** The built widget (dist/widget): its loader and chat chunk. */
  widgetDir: string
  logger?: boolean
  /** Where log lines go; default stdout. */
  logDestination?: DestinationStream
  /** The demo learns its public URL only once it listens (PORT=0 picks a free port). */
  publicUrlFromAddress?: boolean
}

export async function startProxy(config: Config, options: ServerOptions): Promise<Running> {
  let publicUrl = config.publicUrl
  let draining = false
  const metrics = createMetrics()
  const logger =
    options.logger === false
      ? false
      : createLogger({
          level: config.logLevel,
          secrets: [
            config.zchatToken,
            config.webhookSecret,
            ...(config.webhookSecretPrevious ? [config.webhookSecretPrevious] : []),
            config.sessionSecret,
            ...(config.sessionSecretPrevious ? [config.sessionSecretPrevious] : []),
            ...(config.metrics.token ? [config.metrics.token] : []),
            ...(config.adminToken ? [config.adminToken] : []),
            ...(config.leaveMessage ? [config.leaveMessage.secret] : []),
            ...(config.identitySecret ? [config.identitySecret] : []),
            ...(config.identitySecretPrevious ? [config.identitySecretPrevious] : []),
            ...(config.zchatUpdateToken ? [config.zchatUpdateToken] : []),
            ...(config.captcha ? [config.captcha.secret] : []),
            ...redisSecrets(config.redisUrl),
          ],
          ...(options.logDestination && { destination: options.logDestination }),
        })
  // The log's relay closes the streams after a gap; the streams count their addresses in the log's Redis.
  let opened: Streams | null = null
  const { log, shared, evictions } = openLog(config, metrics, () => opened, logger || null)
  const streams = createStreams({
    ...config.limits,
    ...(shared && { holds: shared.limits.streamHolds(config.limits.maxStreamsPerIp) }),
  })
  opened = streams
  const deadLetters = config.leaveMessage ? await openDeadLetters(config, shared, log) : null
  // A returning visitor finds their ended conversation for as long as their credential lives, and
  // zChat the history behind a ticket for as long as the ticket does: whichever is longer.
  const transcriptRetentionMs = Math.max(config.limits.historyRetentionMs, config.sessionTtlMs)
  const transcripts = shared
    ? shared.transcripts({ retentionMs: transcriptRetentionMs })
    : createMemoryTranscripts({ retentionMs: transcriptRetentionMs })
  const messagesLeft = config.leaveMessage
    ? createDeliveries({
        ...config.leaveMessage,
        maxPending: config.limits.leaveMessageMaxPending,
        onOutcome: metrics.countLeftMessage,
        deadLetters: deadLetters?.store ?? null,
        ...(logger && { log: logger.child({ component: 'messages-left' }) }),
      })
    : null
  // A conversation's counts last as long as a visitor's credential can act on it.
  const caps = uploadCaps(config.limits, config.sessionTtlMs)
  const media = createMediaStore({
    dir: config.mediaDir,
    maxBytes: config.limits.uploadMaxBytes,
    types: config.limits.uploadTypes,
    retentionMs: config.limits.mediaRetentionMs,
    unsentMs: config.limits.mediaUnsentMs,
    quotaBytes: config.limits.mediaQuotaBytes,
    allowance: shared ? shared.limits.uploadAllowance(caps) : processAllowance(caps),
    ...(shared && { quota: shared.limits.mediaQuota(config.limits.mediaQuotaBytes) }),
    onRemove: metrics.countMediaRemoved,
  })
  if (config.limits.uploadMaxBytes > 0) await prepareMedia(media, config.mediaDir, log)
  const sessionSecret = { current: config.sessionSecret, previous: config.sessionSecretPrevious }
  const app = await buildApp({
    zchat: createZChatClient({
      apiUrl: config.zchatApiUrl,
      token: config.zchatToken,
      ...(config.zchatUpdateToken && { updateToken: config.zchatUpdateToken }),
      timeoutMs: config.limits.zchatTimeoutMs,
      onCall: metrics.countZChatCall,
    }),
    log,
    transcripts,
    streams,
    media,
    visitors: createVisitors(sessionSecret, config.sessionTtlMs),
    webhookSecret: { current: config.webhookSecret, previous: config.webhookSecretPrevious },
    sessionSecret,
    historyTtlMs: transcriptRetentionMs,
    historyTimeZone: config.historyTimeZone,
    publicUrl: () => publicUrl,
    allowedOrigins: config.allowedOrigins,
    allowedDepartments: config.allowedDepartments,
    allowedChannels: config.allowedChannels,
    identitySecret: config.identitySecret && {
      current: config.identitySecret,
      previous: config.identitySecretPrevious,
    },
    identityMaxAgeSeconds: config.identityMaxAgeSeconds,
    captcha: config.captcha,
    departmentTags: config.departmentTags,
    widgetDir: options.widgetDir,
    logger,
    metrics,
    metricsToken: config.metrics.token,
    adminToken: config.adminToken,
    trustProxy: config.trustProxy,
    limits: config.limits,
    ...(shared && {
      rateLimitStore: sharedRateLimitStore(shared.countHit),
      startBudget: shared.limits.startBudget(config.limits.startsPerMinuteGlobal),
      usedIdentities: shared.usedIdentities,
      leftMessageBudgets: shared.limits.leftMessageBudgets(
        config.limits.leaveMessagePerMinuteGlobal,
        config.limits.leaveMessagePerHourGlobal,
      ),
    }),
    isDraining: () => draining,
    messagesLeft,
    transcriptByEmail: config.transcriptByEmail,
  })
  let metricsListener: MetricsListener | null = null
  try {
    await app.listen({ port: config.port, host: config.host })
    if (config.metrics.port !== null) {
      metricsListener = await startMetricsListener(metrics, {
        port: config.metrics.port,
        host: config.metrics.host,
      })
    }
  } catch (error) {
    await messagesLeft?.close()
    deadLetters?.close()
    await app.close()
    await transcripts.close()
    await log.close()
    evictions.stop()
    media.close()
    throw error
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  if (options.publicUrlFromAddress) publicUrl = `http://localhost:${port}`

  let closing: Promise<void> | null = null
  /** The drain's last tries of left messages; a plain close drops them instead. */
  let lastTries: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      await Promise.all([app.close(), metricsListener?.close(), lastTries])
      // Whatever is still pending becomes a dead letter, in Redis too: before the log closes.
      await messagesLeft?.close()
      deadLetters?.close()
      await transcripts.close()
      await log.close()
      evictions.stop()
      media.close()
    })()
    return closing
  }

  return {
    app,
    url,
    metricsUrl: metricsListener?.url ?? null,
    async drain() {
      if (draining) return close()
      draining = true
      app.log.info({ streams: streams.count() }, 'draining')
      // Streams first: each tells its browser to reconnect (elsewhere) after a jittered delay.
      streams.drain()
      const force = setTimeout(() => {
        app.log.warn('drain timed out; closing the connections still open')
        app.server.closeAllConnections()
      }, config.limits.shutdownTimeoutMs)
      force.unref()
      // Left messages waiting for a retry get their last try now, within the same time.
      lastTries = messagesLeft?.drain(config.limits.shutdownTimeoutMs)
      try {
        // Stops accepting, answers in-flight calls, then closes their connections.
        await close()
      } finally {
        clearTimeout(force)
      }
    },
    close,
  }
}

/** A REDIS_URL's password never reaches the logs (the URL carries it). */
function redisSecrets(url: string | null): string[] {
  if (!url) return []
  const password = decodeURIComponent(new URL(url).password)
  return password ? [url, password] : []
}

/**
 * The one switch: REDIS_URL moves the event logs (and with them de-duplication, the ended and rated
 * rules, and the fan-out of triggers to whichever instance holds a visitor's stream), the
 * rate-limit counters and the limits of the whole deployment (streams per address, starts per
 * minute, the media quota, what a conversation and an address may upload) to Redis; without it, one process keeps them in memory.
 */
function openLog(
  config: Config,
  metrics: Metrics,
  streams: () => Streams | null,
  logger: Pick<FastifyBaseLogger, 'warn'> | null,
): { log: EventLog; shared: RedisLog | null; evictions: EvictionReport } {
  const { limits } = config
  const bounds = {
    endedRetentionMs: limits.endedRetentionMs,
    idleRetentionMs: limits.idleRetentionMs,
    maxEventsPerConversation: limits.maxEventsPerConversation,
    maxBytesPerConversation: limits.maxBytesPerConversation,
    unopenedMaxConversations: limits.unopenedMaxConversations,
    unopenedMaxBytes: limits.unopenedMaxBytes,
  }
  const evictions = createEvictionReport({
    count: metrics.countEviction,
    warn: (evicted) =>
      logger?.warn(
        { evicted },
        'the event log forgot conversations or events to stay within its caps (zchat_proxy_evictions_total; EVENT_LOG_MAX_BYTES, UNOPENED_MAX_*, MAX_CONVERSATIONS, MAX_*_PER_CONVERSATION)',
      ),
  })
  if (!config.redisUrl) {
    const log = createMemoryLog({
      ...bounds,
      onEvict: evictions.onEvict,
      maxConversations: limits.maxConversations,
      maxBytes: limits.eventLogMaxBytes,
    })
    return { log, shared: null, evictions }
  }
  const log = createRedisLog({
    ...bounds,
    onEvict: evictions.onEvict,
    url: config.redisUrl,
    onError: (error) => logger?.warn({ err: error }, 'redis is not answering'),
    // Live events were missed: the widgets reconnect (spread over a few seconds) and replay them.
    onRelayGap: () => {
      logger?.warn(
        { streams: streams()?.count() },
        'the relay moved on without us; streams reconnect',
      )
      streams()?.drain()
    },
    // Three stream heartbeats: a killed instance's streams stop counting about when its widgets
    // have noticed and reconnected elsewhere.
    leaseMs: 3 * config.limits.heartbeatMs,
  })
  return { log, shared: log, evictions }
}

/** Dead letters are swept this often (and at start), so none outlives its retention by much. */
const deadLetterSweepMs = 60 * 60 * 1000

/**
 * Where left messages the site never took are kept: Redis with REDIS_URL, else the folder, which
 * must be writable (or the start stops, as a bad setting does).
 */
async function openDeadLetters(config: Config, shared: RedisLog | null, log: EventLog) {
  const retentionMs = config.limits.deadLetterRetentionMs
  let store: DeadLetters
  if (shared) store = shared.deadLetters(retentionMs)
  else {
    const folder = createFolderDeadLetters({ dir: config.deadLetterDir, retentionMs })
    try {
      await folder.prepare()
    } catch (error) {
      await log.close()
      const why = error instanceof Error && 'code' in error ? String(error.code) : String(error)
      throw new ConfigError(
        `Invalid configuration:\n  LEAVE_MESSAGE_DEAD_LETTER_DIR: ${config.deadLetterDir} cannot be created or written to (${why}); left messages the site never takes are kept there`,
      )
    }
    store = folder
  }
  const sweep = () => void store.sweep().catch(() => {})
  sweep()
  const timer = setInterval(sweep, deadLetterSweepMs)
  timer.unref()
  return { store, close: () => clearInterval(timer) }
}

/** A MEDIA_DIR the process cannot write stops it at start, as a bad setting does. */
async function prepareMedia(media: MediaStore, dir: string, log: EventLog) {
  try {
    await media.prepare()
  } catch (error) {
    media.close()
    await log.close()
    const why = error instanceof Error && 'code' in error ? String(error.code) : String(error)
    throw new ConfigError(
      `Invalid configuration:\n  MEDIA_DIR: ${dir} cannot be created or written to (${why}); uploads need a writable folder (UPLOAD_MAX_BYTES=0 turns them off)`,
    )
  }
}
