/**
 * The proxy's log: pino, one JSON object per line, to stdout by default.
 *
 * A secret must never reach it, whoever logs what: known fields are redacted by path, request URLs
 * lose the secret segment of the webhook, history and media paths, and as a last net every line is
 * scrubbed of the configured secrets' values and of anything shaped like a visitor credential.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino'

const censor = '[redacted]'

/** Fields that hold a secret wherever they are logged (one level deep covers `{config}`, `{req}`...). */
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  ...['token', 'zchatToken', 'webhookSecret', 'sessionSecret', 'secret', 'credential'].flatMap(
    (key) => [key, `*.${key}`],
  ),
]

/**
 * Paths whose last segment is a secret (the webhook's) or a capability (a history ticket or a
 * visitor's file), wherever they stand: an absolute-form request line (`POST http://host/webhooks/...`)
 * or a doubled slash must not slip past.
 */
const secretPaths = /(\/webhooks\/zchat\/|\/v1\/history\/|\/media\/)[^/?#\s]+/gi

/** What a request log line shows of the request: never a secret from the path, never a header. */
export function describeRequest(request: { method: string; url: string }) {
  return { method: request.method, url: request.url.replace(secretPaths, '$1***') }
}

// A visitor credential or history ticket (visitors.ts): `v1.<payload>.<signature>`.
const credentialShape = /\bv1\.[\w-]{8,}\.[\w-]{16,}/g

/** Replaces every occurrence of the secrets, as written in JSON and in a URL too. */
function scrubber(secrets: readonly string[]): (line: string) => string {
  const forms = [
    ...new Set(
      secrets
        // A short value would blank out ordinary words; the env schema asks for 16+ characters.
        .filter((secret) => secret.length >= 8)
        .flatMap((secret) => [
          secret,
          JSON.stringify(secret).slice(1, -1),
          encodeURIComponent(secret),
        ]),
    ),
  ]
  return (line) => {
    // Most lines hold no credential: skip the regular expression's scan of them.
    let out = line.includes('v1.') ? line.replace(credentialShape, censor) : line
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(censor)
    return out
  }
}

export type LoggerOptions = {
  level: LevelWithSilent
  /** Values that must never appear in a line: the zChat token, the webhook secret... */
  secrets?: readonly string[]
  /** Default stdout; tests pass a stream they read. */
  destination?: DestinationStream
}

export function createLogger({ level, secrets = [], destination }: LoggerOptions): Logger {
  const options = {
    level,
    redact: { paths: redactPaths, censor },
    serializers: { req: describeRequest },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: { streamWrite: scrubber(secrets) },
  }
  return destination ? pino(options, destination) : pino(options)
}

/** A load balancer's request id is kept when it is a short, plain token; otherwise we make one. */
const safeRequestId = /^[\w.:-]{1,64}$/

export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && safeRequestId.test(given) ? given : randomUUID()
}

const logged = new WeakSet<FastifyRequest>()

/**
 * The one line of a request, when its answer is over: reqId (a binding of every line the request
 * logs), method, URL without secrets, status, time taken and the client's address. Never a body.
 */
export function logRequest(request: FastifyRequest, reply: FastifyReply, aborted = false) {
  if (logged.has(request)) return
  logged.add(request)
  const ms = reply.elapsedTime
  request.log.info(
    {
      ...describeRequest(request),
      statusCode: reply.raw.statusCode,
      ...(Number.isFinite(ms) && { responseTime: Math.round(ms * 10) / 10 }),
      ip: request.ip,
      ...(aborted && { aborted }),
    },
    'request completed',
  )
}

/** Every request's line, and its id sent back as `x-request-id`. */
export function logRequests(app: FastifyInstance) {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
    // An event stream usually ends with the visitor leaving: its response closes without
    // finishing, and onResponse never runs.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) logRequest(request, reply, true)
    })
  })
  app.addHook('onResponse', async (request, reply) => logRequest(request, reply))
}
