/**
 * POST /webhooks/zchat/:secret: zChat's triggers in.
 *
 * zChat signs nothing and sends no sequence numbers, so the sender is authenticated by the secret
 * in the URL (compared in constant time; a wrong one gets the same 404 as any unknown path), and
 * ordering and duplicates are handled by the adapter and the log. The answer is quick: the work is
 * a validation and an append.
 *
 * It is the proxy's busiest route and only a server calls it, so it is answered on node:http before
 * Fastify's router (answerWebhooksFirst): no router, hooks, request and reply objects or rate-limit
 * plugin, which cost more than half of each trigger's time (docs/benchmarks.md). The Fastify route
 * of the same path runs the same receiver for what the claim leaves to the router (a URL to decode
 * or with a query, trusted proxies given as addresses) and for `app.inject` in tests.
 */
import { hash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { ClientKey } from '../client-address.ts'
import { ApiError, answerError, tooManyRequests, validationError } from '../errors.ts'
import type { EventLog } from '../events/log.ts'
import { type RotatingSecret, secretValues } from '../keys.ts'
import { requestId, requestLogger, writeRequestLine } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import { readTrigger } from '../zchat/adapter.ts'

export type WebhookDeps = {
  log: EventLog
  /** ZCHAT_WEBHOOK_SECRET; during a rotation its previous value opens the webhook too. */
  secret: string | RotatingSecret
  bodyLimit: number
  /** Calls per minute per sender address, counted by this process. */
  perMinute: number
  /** What a sender counts as (client-address.ts): an IPv6 sender by its prefix. */
  clientKey: ClientKey
  metrics: Pick<Metrics, 'countTrigger' | 'countRateLimited'>
  isDraining: () => boolean
  /** The app's logger: each call's line, and what it warns of. */
  logger: FastifyBaseLogger
  /** JSON.parse as every other route's body is parsed (app.getDefaultJsonParser). */
  parseJson: (text: string) => { value: unknown } | { error: Error }
}

/** What the receiver knows of a call besides its request: the URL's secret, its id and sender. */
export type Caller = { secret: string; id: string; ip: string }

export type ReceiveWebhook = (req: IncomingMessage, res: ServerResponse, caller: Caller) => void

const route = '/webhooks/zchat/:secret'
const prefix = '/webhooks/zchat/'
/** The answer zChat gets, serialized once. */
const received = JSON.stringify({ received: true })
const json = 'application/json; charset=utf-8'

/** Compared as digests: equal lengths for timingSafeEqual, and the secret's length never shows. */
const digest = (value: string) => hash('sha256', value, 'buffer')

/** The log stores nothing for a repeat (its key was seen) or for what no longer matters after the end. */
async function whyNotStored(log: EventLog, conversationId: string, dedupeKey?: string) {
  if (!dedupeKey) return 'ignored'
  const status = await log.status(conversationId)
  return status?.keys.has(dedupeKey) ? 'duplicate' : 'ignored'
}

/** Fastify's own JSON parser (poisoned keys refused), called on a whole body. */
export function jsonParser(app: FastifyInstance): WebhookDeps['parseJson'] {
  const parse = app.getDefaultJsonParser('error', 'error')
  // One result object reused: the parser answers synchronously and never reads the request.
  let out: { value: unknown } | { error: Error } = { value: undefined }
  const done = (error: Error | null, value?: unknown) => {
    out = error ? { error } : { value }
  }
  return (text) => {
    parse(undefined as never, text, done)
    return out
  }
}

/** A window per sender address, reset every minute: seconds to wait when past `max`, else 0. */
function createLimiter(max: number) {
  let counts = new Map<string, number>()
  let resetAt = 0
  return (address: string) => {
    const now = Date.now()
    if (now >= resetAt) {
      counts = new Map()
      resetAt = now + 60_000
    }
    const count = (counts.get(address) ?? 0) + 1
    counts.set(address, count)
    return count > max ? Math.ceil((resetAt - now) / 1000) : 0
  }
}

/** The media type the JSON parser takes, whatever its parameters and case. */
function isJson(type: string) {
  const end = type.indexOf(';')
  return (end < 0 ? type : type.slice(0, end)).trim().toLowerCase() === 'application/json'
}

export function createWebhookReceiver(deps: WebhookDeps): ReceiveWebhook {
  const { log, bodyLimit, metrics, isDraining, logger, parseJson } = deps
  const expected = secretValues(deps.secret).map(digest)
  const limited = createLimiter(deps.perMinute)
  const { clientKey } = deps
  // While zChat still calls the old path during a rotation, the operator hears of it once a minute:
  // when the line stops, ZCHAT_WEBHOOK_SECRET_PREVIOUS can go.
  let previousNotedAt = Number.NEGATIVE_INFINITY
  const notePreviousSecret = (requestLog: FastifyBaseLogger) => {
    const now = Date.now()
    if (now - previousNotedAt < 60_000) return
    previousNotedAt = now
    requestLog.warn(
      "zChat called the webhook with ZCHAT_WEBHOOK_SECRET_PREVIOUS: set zChat's Webhook URL to the new secret",
    )
  }

  async function accept(body: unknown, requestLog: FastifyBaseLogger) {
    const read = readTrigger(body)
    if (read.kind === 'unknown-state') {
      // Acknowledged, or zChat may retry or give up on us; counted and logged for the operator.
      metrics.countTrigger('unknown', 'ignored')
      requestLog.warn({ state: read.state.slice(0, 50) }, 'ignored a trigger with an unknown state')
      return
    }
    if (read.kind === 'invalid') {
      metrics.countTrigger('unknown', 'invalid')
      requestLog.warn('refused a webhook body that is no zChat trigger')
      throw validationError(read.error, 'zChat trigger')
    }
    const { type } = read
    const { conversationId, event, dedupeKey } = read.adapted
    // 2xx only once the log holds it: a store that is down throws, and zChat retries the 5xx.
    const logged = await log.append(conversationId, event, dedupeKey)
    metrics.countTrigger(
      type,
      logged ? 'stored' : await whyNotStored(log, conversationId, dedupeKey),
    )
    requestLog.debug({ conversationId, type: event.type, eventId: logged?.id ?? null }, 'trigger')
  }

  return function receive(req, res, { secret, id, ip }) {
    const started = performance.now()
    // A pino child only if something besides the request line is logged (logger.ts).
    const requestLog = requestLogger(logger, { reqId: id }, {})
    let answered = false
    const line = (aborted: boolean) =>
      writeRequestLine(
        requestLog,
        { id, method: 'POST', url: req.url ?? prefix, ip },
        { statusCode: res.statusCode, responseTime: performance.now() - started, aborted },
      )
    // The caller left before the answer: logged as cut short.
    res.once('close', () => {
      if (!answered) line(true)
    })
    const send = (status: number, body: string, close: boolean, retryAfter?: number) => {
      if (answered) return
      answered = true
      const headers: Record<string, string | number> = {
        'content-type': json,
        'content-length': Buffer.byteLength(body),
        'x-request-id': id,
      }
      if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter)
      // While draining, the next call opens a new connection, which goes to an instance that stays.
      if (close || isDraining()) headers.connection = 'close'
      res.writeHead(status, headers).end(body)
      line(false)
    }
    const fail = (error: Error, close = false) => {
      const { status, body, retryAfter } = answerError(error, requestLog)
      send(status, JSON.stringify(body), close, retryAfter)
    }
    const handle = (body: unknown) => {
      accept(body, requestLog).then(() => send(200, received, false), fail)
    }

    const wait = limited(clientKey(ip))
    if (wait > 0) {
      metrics.countRateLimited(route)
      return fail(tooManyRequests(wait))
    }
    // Before a byte of the body is read: a forger cannot hold a socket open by sending a body
    // slowly, and gets the same 404 as any unknown path, with the connection closed.
    const given = digest(secret)
    // Every value compared, whichever matches: the time taken tells nothing.
    let matched = -1
    for (let index = 0; index < expected.length; index++)
      if (timingSafeEqual(given, expected[index]!) && matched < 0) matched = index
    if (matched < 0) {
      metrics.countTrigger('unknown', 'forbidden')
      return fail(new ApiError('NOT_FOUND', 'Not found'), true)
    }
    if (matched > 0) notePreviousSecret(requestLog)
    const { headers } = req
    const type = headers['content-type']
    const length = headers['content-length']
    // No body at all is read as one (and refused by the schema), as Fastify reads it.
    if (type === undefined && headers['transfer-encoding'] === undefined && !Number(length))
      return handle(undefined)
    if (type === undefined || !isJson(type))
      return fail(
        new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json'),
      )
    const tooLarge = () =>
      fail(new ApiError('PAYLOAD_TOO_LARGE', 'Request body is too large'), true)
    if (length !== undefined && Number(length) > bodyLimit) return tooLarge()
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer | string) => {
      if (answered) return
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      size += bytes.length
      if (size > bodyLimit) return tooLarge()
      chunks.push(bytes)
    })
    // A request cut short: nothing to answer; the close listener logs it.
    req.on('error', () => {})
    req.on('end', () => {
      if (answered) return
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')
      const parsed = parseJson(text)
      if ('error' in parsed) fail(parsed.error)
      else handle(parsed.value)
    })
  }
}

/** The secret of a plain webhook URL; null for anything else, which Fastify's router reads. */
function secretOf(req: IncomingMessage): string | null {
  const { url } = req
  if (req.method !== 'POST' || url === undefined || !url.startsWith(prefix)) return null
  const secret = url.slice(prefix.length)
  // Anything to decode or split (an escape, a query, a deeper path) is left to the router.
  return secret.length > 0 && secret.length <= 500 && !/[/?%#;]/.test(secret) ? secret : null
}

/**
 * The sender's address as Fastify's `request.ip` reads it with a hop count: the socket's, or the
 * X-Forwarded-For entry that many hops back (the rightmost are the trusted proxies').
 */
function senderAddress(req: IncomingMessage, hops: number): string {
  const socket = req.socket.remoteAddress ?? ''
  // Node joins repeated X-Forwarded-For headers with a comma.
  const header = req.headers['x-forwarded-for']
  if (hops === 0 || typeof header !== 'string' || header === '') return socket
  const forwarded = header.split(',')
  return forwarded[forwarded.length - Math.min(hops, forwarded.length)]!.trim()
}

/**
 * The node:http server answers the webhook's path itself and hands every other request to
 * Fastify. `hops`: how many proxies in front are trusted (TRUST_PROXY as a count).
 */
export function answerWebhooksFirst(app: FastifyInstance, receive: ReceiveWebhook, hops: number) {
  const { routing, server } = app
  // Once closing, Fastify answers every call 503 with Connection: close; a 200 here would keep
  // zChat's keep-alive connection busy, and the close waiting for it.
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    done()
  })
  server.removeListener('request', routing)
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const secret = closing ? null : secretOf(req)
    if (secret === null) routing(req, res)
    else receive(req, res, { secret, id: requestId(req), ip: senderAddress(req, hops) })
  })
}

/** The same receiver as a Fastify route: what answerWebhooksFirst leaves, and app.inject. */
export async function webhookRoutes(
  app: FastifyInstance,
  { receive }: { receive: ReceiveWebhook },
) {
  app.post(
    '/webhooks/zchat/:secret',
    {
      // The receiver counts its own calls and writes its own line.
      config: { rateLimit: false, ownRequestLine: true },
      onRequest: (request, reply, _done) => {
        // The lifecycle stops here, before Fastify reads the body: the receiver reads it.
        reply.hijack()
        const { secret } = request.params as { secret: string }
        receive(request.raw, reply.raw, { secret, id: request.id, ip: request.ip })
      },
    },
    () => {},
  )
}
