/**
 * buildApp(deps): the proxy as a Fastify instance, with every dependency injected so tests build
 * it in-process against the emulator and production builds it against zChat.
 */

import cors from '@fastify/cors'
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify'
import type { Channel } from '../protocol/wire.ts'
import type { Budget } from './budgets.ts'
import { type CaptchaSettings, createCaptchaVerifier, hostsOf } from './captcha.ts'
import { type ClientKey, clientKeyWith } from './client-address.ts'
import { capConnections } from './connections.ts'
import type { Limits } from './env.ts'
import { createEraser, type Erase } from './erasure.ts'
import { ApiError, handleError, tooManyRequests } from './errors.ts'
import type { EventLog } from './events/log.ts'
import { createIdentityVerifier, identityDefaults } from './identity.ts'
import type { RotatingSecret } from './keys.ts'
import { logRequest, logRequests, requestId, requestLogger } from './logger.ts'
import type { MediaStore } from './media/store.ts'
import { createLeftMessageBudgets } from './messages-left/budgets.ts'
import type { Deliveries } from './messages-left/delivery.ts'
import { createMetrics, type Metrics } from './metrics.ts'
import { configRoutes } from './routes/config.ts'
import { adminRoutes, visitorErasureRoutes } from './routes/erasure.ts'
import { eventRoutes } from './routes/events.ts'
import { defaultHistoryTimeZone, historyRoutes } from './routes/history.ts'
import { interactionRoutes } from './routes/interactions.ts'
import { mediaRoutes } from './routes/media.ts'
import { messagesLeftRoutes } from './routes/messages-left.ts'
import { metricsRoutes } from './routes/metrics.ts'
import { transcriptRequestRoutes } from './routes/transcript-requests.ts'
import { uploadRoutes } from './routes/uploads.ts'
import {
  answerWebhooksFirst,
  createWebhookReceiver,
  jsonParser,
  webhookRoutes,
} from './routes/webhook.ts'
import { widgetRoutes } from './routes/widget.ts'
import { securityHeaders } from './security-headers.ts'
import { createStartBudget, type StartBudget } from './starts.ts'
import type { Streams } from './streams.ts'
import { logWithTranscripts } from './transcripts/log-with-transcripts.ts'
import { createMemoryTranscripts } from './transcripts/memory.ts'
import { type TranscriptStore, transcriptDefaults } from './transcripts/store.ts'
import { createMemoryUsedIdentities, type UsedIdentities } from './used-identities.ts'
import { createTickets, type Visitors } from './visitors.ts'
import type { ZChatClient } from './zchat/client.ts'

export type AppDeps = {
  zchat: ZChatClient
  log: EventLog
  /**
   * Conversations' transcripts, kept long after the log forgets them (HISTORY_RETENTION_DAYS): the
   * external history, and the ended conversation a returning visitor finds. In memory by default.
   */
  transcripts?: TranscriptStore
  streams: Streams
  visitors: Visitors
  /** Visitors' uploads (MEDIA_DIR); GET /media serves them to zChat and agents. */
  media: MediaStore
  /** ZCHAT_WEBHOOK_SECRET and, during a rotation, its previous value. */
  webhookSecret: string | RotatingSecret
  /**
   * SESSION_SECRET and its previous value: the history tickets are signed with a key derived from
   * it, not the visitors' key, so one can never pass for the other (visitors.ts).
   */
  sessionSecret: string | RotatingSecret
  /**
   * How long an external-history URL answers. zChat does not say when (or how often) it fetches it
   * (an agent may open the history days later), so as long as the transcript behind it is kept: the
   * transcripts' retention. Default theirs (30 days).
   */
  historyTtlMs?: number
  /** The zone of the history's zone-less times (docs/zchat/README.md#external-history-timing). */
  historyTimeZone?: string
  /** Where zChat reaches this proxy (the external-history and media URLs are built on it). */
  publicUrl: () => string
  allowedOrigins: '*' | string[]
  allowedDepartments: number[] | null
  /** Where agents may answer (ALLOWED_CHANNELS); the chat only (`web`) by default. */
  allowedChannels?: readonly Channel[]
  /** Checks signed identities (identity.ts); without it, an identity is refused. */
  identitySecret?: string | RotatingSecret | null
  /** IDENTITY_MAX_AGE_SECONDS: the longest a signed identity may live (default 600). */
  identityMaxAgeSeconds?: number
  /** Ids of identities already used, for every instance (Redis); unset, this process keeps its own. */
  usedIdentities?: UsedIdentities
  /** Department id -> zChat tag ids its new interactions get. */
  departmentTags?: ReadonlyMap<number, readonly string[]>
  widgetDir: string
  /** A pino logger (logger.ts); none by default. */
  logger?: false | FastifyBaseLogger
  /** Where the app counts what it does; a fresh registry by default. */
  metrics?: Metrics
  /** Opens GET /metrics on this app's port to `Authorization: Bearer <token>`; without it, 404. */
  metricsToken?: string | null
  /** Opens the operators' calls (routes/erasure.ts) to `Authorization: Bearer <token>`; without it, 404. */
  adminToken?: string | null
  /** Whom to believe about the client address: a hop count, or the load balancers' addresses/CIDRs. */
  trustProxy?: false | number | string[]
  limits: Limits
  /** Rate-limit counters shared by every instance (Redis); unset, each process counts its own. */
  rateLimitStore?: FastifyRateLimitStoreCtor
  /** New conversations per minute for every instance (Redis); unset, this process counts its own. */
  startBudget?: StartBudget
  /** A CAPTCHA check before each new conversation and left message (captcha.ts); none by default. */
  captcha?: CaptchaSettings | null
  /** True once SIGTERM started the drain: /readyz answers 503 so load balancers move on. */
  isDraining?: () => boolean
  /** Delivers left messages to LEAVE_MESSAGE_URL; none (the default): visitors cannot leave one. */
  messagesLeft?: Deliveries | null
  /** Messages left per minute and per hour for every instance (Redis); unset, this process counts its own. */
  leftMessageBudgets?: readonly Budget[]
  /** Visitors may ask for an ended chat's transcript by e-mail, delivered with `messagesLeft`. */
  transcriptByEmail?: boolean
}

/** A hop count becomes Fastify's function form: trust that many proxies in front of us. */
function trustProxyOption(value: AppDeps['trustProxy']) {
  return typeof value === 'number'
    ? (_address: string, hop: number) => hop < value
    : (value ?? false)
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { limits } = deps
  // Every per-client limit counts under this key: an IPv6 client by its prefix (client-address.ts).
  const clientKey = clientKeyWith(limits.ipv6PrefixLength)
  const metrics = deps.metrics ?? createMetrics()
  metrics.observe({ streams: deps.streams, log: deps.log })
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // A request's pino child only once it logs more than its line (logger.ts).
    ...(deps.logger && { childLoggerFactory: requestLogger }),
    // Our own line per request (logger.ts), in place of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    trustProxy: trustProxyOption(deps.trustProxy),
    // On close, idle keep-alive sockets go at once; a call in flight is answered first (the drain
    // ends event streams itself, and cuts what is left after SHUTDOWN_TIMEOUT_MS).
    forceCloseConnections: 'idle',
    // Slow senders: a request must arrive whole in time (event streams are responses, not bound by it).
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node looks for overdue requests only this often (30 s by default): often enough that a
      // slow sender is cut close to its timeout.
      connectionsCheckingInterval: Math.max(
        250,
        Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs || Infinity) / 2,
      ),
    },
    bodyLimit: limits.bodyLimitBytes,
    // zChat hashes are opaque; keep room for long ones in the path.
    routerOptions: { maxParamLength: 500 },
    // A malformed URL (bad percent-encoding) gets our error shape, not Fastify's.
    // No hooks run for it, so it is logged here.
    frameworkErrors: (_error, request, reply) => {
      // Typed for every server flavour; this app is plain HTTP/1.
      ;(reply as FastifyReply)
        .status(400)
        .header('x-request-id', request.id)
        .send(new ApiError('VALIDATION_ERROR', 'Malformed URL').toBody())
      logRequest(request, reply as FastifyReply)
    },
  })
  app.setErrorHandler(handleError)
  logRequests(app)
  const transcripts = deps.transcripts ?? createMemoryTranscripts()
  if (!deps.transcripts) app.addHook('onClose', () => transcripts.close())
  // What every route and the webhook read and write: the log, with the transcripts behind it.
  const log = logWithTranscripts(deps.log, transcripts, (error, conversationId) =>
    app.log.warn({ err: error, conversationId }, 'could not keep a transcript entry'),
  )
  // Behind a load balancer every connection comes from it: the cap would cap the whole service.
  // There, the per-visitor limits (on X-Forwarded-For) do the work.
  if (limits.maxConnectionsPerIp > 0 && !deps.trustProxy)
    capConnections(app.server, limits.maxConnectionsPerIp, clientKey)
  // JSON only: a text/plain body is a 415, not a string for the schemas to puzzle over.
  app.removeContentTypeParser('text/plain')
  // While draining, an answered call closes its connection: the client's next call opens a new
  // one, which the load balancer sends to an instance that is not going away.
  const isDraining = deps.isDraining ?? (() => false)
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (isDraining()) reply.header('connection', 'close')
    done(null, payload)
  })
  const rateLimitOptions = {
    // Shared by every instance when there are several (REDIS_URL).
    ...(deps.rateLimitStore && { store: deps.rateLimitStore }),
    max: limits.rateLimitPerMinute,
    timeWindow: '1 minute',
    // The routes' own limits (starts, uploads, typing, left messages) inherit it.
    keyGenerator: (request: FastifyRequest) => clientKey(request.ip),
    onExceeded: (request: FastifyRequest) =>
      metrics.countRateLimited(request.routeOptions.url ?? 'unknown'),
    errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number }) =>
      tooManyRequests(Math.ceil(context.ttl / 1000)),
  }

  // zChat's webhook, the busiest route, is answered before Fastify's router (routes/webhook.ts).
  // With trusted proxies given as addresses, only Fastify reads the sender's address: it stays there.
  const receiveWebhook = createWebhookReceiver({
    log,
    metrics,
    secret: deps.webhookSecret,
    bodyLimit: limits.webhookBodyLimitBytes,
    perMinute: limits.webhookPerMinute,
    clientKey,
    isDraining,
    logger: app.log,
    parseJson: jsonParser(app),
  })
  if (!Array.isArray(deps.trustProxy))
    answerWebhooksFirst(app, receiveWebhook, deps.trustProxy || 0)

  // Two halves, each with only the hooks it needs (hooks are encapsulated by Fastify's register).
  // What browsers call (the visitor API, the widget, media, history and any unknown path) gets
  // helmet's headers, CORS and the Origin check. What servers call (zChat's webhook, probes,
  // metrics) gets neither: no browser reads those answers, and on the webhook, the proxy's
  // busiest route, they cost about a fifth of its throughput (docs/benchmarks.md). The webhook
  // itself is answered before the router (above); its route here serves what that claim leaves.
  const erase = createEraser({ log, transcripts, media: deps.media })
  await app.register(async (site) => {
    await siteRoutes(
      site,
      { ...deps, log, transcripts },
      { metrics, rateLimitOptions, clientKey, erase },
    )
  })
  await app.register(async (server) => {
    await server.register(rateLimit, rateLimitOptions)
    server.get('/healthz', { config: { rateLimit: false } }, async () => ({ ok: true }))
    // Ready: configured (we got this far), the event store answers, and not draining.
    server.get('/readyz', { config: { rateLimit: false } }, async (_request, reply) => {
      const draining = isDraining()
      const store = await deps.log.healthy().catch(() => false)
      const ready = store && !draining
      return reply.status(ready ? 200 : 503).send({ ready, store, draining })
    })
    await server.register(webhookRoutes, { receive: receiveWebhook })
    if (deps.metricsToken)
      await server.register(metricsRoutes, { metrics, token: deps.metricsToken })
    if (deps.adminToken)
      await server.register(adminRoutes, { erase, metrics, token: deps.adminToken })
  })
  return app
}

type SiteOptions = {
  metrics: Metrics
  rateLimitOptions: Parameters<typeof rateLimit>[1]
  clientKey: ClientKey
  erase: Erase
}

/** Everything a browser calls, behind helmet, CORS and the Origin check. */
async function siteRoutes(
  app: FastifyInstance,
  deps: AppDeps & { transcripts: TranscriptStore },
  { metrics, rateLimitOptions, clientKey, erase }: SiteOptions,
) {
  const { limits } = deps
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send(new ApiError('NOT_FOUND', 'Not found').toBody()),
  )
  const isAllowed = (origin: string) =>
    deps.allowedOrigins === '*' || deps.allowedOrigins.includes(origin)

  // helmet's headers, the same on every answer (security-headers.ts): set in one go.
  const security = securityHeaders()
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(security)
    done()
  })
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin === undefined ? false : isAllowed(origin)),
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'last-event-id'],
    // `date` lets the widget measure its clock against ours (event `at` times are ours).
    // One string, not a list the plugin would join anew for every answer (and every open stream keeps).
    exposedHeaders:
      'date, retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset',
    maxAge: 600,
  })
  // CORS only stops a browser from reading the answer; refuse the call itself from other sites.
  app.addHook('onRequest', (request, _reply, done) => {
    const origin = request.headers.origin
    if (origin && request.url.startsWith('/v1/') && !isAllowed(origin)) {
      done(new ApiError('FORBIDDEN', `Origin ${origin} may not use this chat`))
    } else done()
  })
  await app.register(rateLimit, rateLimitOptions)
  const captchaHosts = hostsOf(deps.allowedOrigins)
  const tickets = createTickets(
    deps.sessionSecret,
    deps.historyTtlMs ?? transcriptDefaults.retentionMs,
  )
  await app.register(interactionRoutes, {
    ...deps,
    tickets,
    verifyIdentity: createIdentityVerifier({
      secret: deps.identitySecret ?? null,
      maxAgeSeconds: deps.identityMaxAgeSeconds ?? identityDefaults.maxAgeSeconds,
      audience: deps.publicUrl,
    }),
    usedIdentities: deps.usedIdentities ?? createMemoryUsedIdentities(),
    startBudget: deps.startBudget ?? createStartBudget(limits.startsPerMinuteGlobal),
    verifyCaptcha: createCaptchaVerifier(deps.captcha ?? null, 'start', captchaHosts),
    departmentTags: deps.departmentTags ?? new Map(),
    allowedChannels: deps.allowedChannels ?? ['web'],
  })
  await app.register(visitorErasureRoutes, {
    erase,
    log: deps.log,
    visitors: deps.visitors,
    metrics,
  })
  const transcriptDeliveries = (deps.transcriptByEmail && deps.messagesLeft) || null
  await app.register(transcriptRequestRoutes, {
    deliveries: transcriptDeliveries,
    log: deps.log,
    transcripts: deps.transcripts,
    visitors: deps.visitors,
    limits,
  })
  await app.register(configRoutes, {
    limits,
    leaveMessage: Boolean(deps.messagesLeft),
    transcriptByEmail: Boolean(transcriptDeliveries),
  })
  await app.register(uploadRoutes, {
    media: deps.media,
    log: deps.log,
    visitors: deps.visitors,
    metrics,
    publicUrl: deps.publicUrl,
    clientKey,
    limits,
  })
  await app.register(mediaRoutes, { media: deps.media, idleTimeoutMs: limits.mediaIdleTimeoutMs })
  await app.register(historyRoutes, {
    transcripts: deps.transcripts,
    tickets,
    timeZone: deps.historyTimeZone ?? defaultHistoryTimeZone,
  })
  await app.register(eventRoutes, {
    log: deps.log,
    visitors: deps.visitors,
    streams: deps.streams,
    heartbeatMs: limits.heartbeatMs,
    maxBufferedBytes: limits.streamBufferBytes,
    metrics,
  })
  await app.register(messagesLeftRoutes, {
    deliveries: deps.messagesLeft ?? null,
    allowedDepartments: deps.allowedDepartments,
    verifyCaptcha: createCaptchaVerifier(deps.captcha ?? null, 'leave-message', captchaHosts),
    limits,
    budgets:
      deps.leftMessageBudgets ??
      createLeftMessageBudgets(
        limits.leaveMessagePerMinuteGlobal,
        limits.leaveMessagePerHourGlobal,
      ),
  })
  await app.register(widgetRoutes, { widgetDir: deps.widgetDir })
}
