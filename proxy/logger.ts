/**
 * The proxy's log: pino, one JSON object per line, to stdout by default.
 *
 * A secret must never reach it, whoever logs what: known fields are redacted by path, request URLs
 * lose the secret segment of the webhook and history paths, the whole of media paths (a visitor's
 * file name) and any query, and as a last net every line is scrubbed of the configured secrets'
 * values and of anything shaped like a visitor credential. What it keeps about visitors is in
 * docs/security.md#logs.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { hostname } from 'node:os'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Level,
  type LevelWithSilent,
  type Logger,
  pino,
} from 'pino'

const censor = '[redacted]'

/** Fields that hold a secret wherever they are logged (one level deep covers `{config}`, `{req}`...). */
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  ...[
    'token',
    'zchatToken',
    'webhookSecret',
    'webhookSecretPrevious',
    'sessionSecret',
    'sessionSecretPrevious',
    'identitySecret',
    'identitySecretPrevious',
    'secret',
    'credential',
  ].flatMap((key) => [key, `*.${key}`]),
]

/**
 * What a request line must not show of its URL, wherever it stands (an absolute-form request line,
 * `POST http://host/webhooks/...`, or a doubled slash must not slip past):
 * - the segment after the webhook's or a history ticket's path: a secret, or a capability;
 * - everything after `/media/`: the file's id is its only key, and its name is the visitor's own
 *   words (`RG_Maria_123.456.789-00.pdf`), personal data the log would keep for as long as logs are;
 * - any query: no route takes one, so one is whatever the caller put there.
 * One pattern, one pass; each branch ends in its only unbounded run, so it is linear in the URL.
 */
const hiddenInUrl = /(\/webhooks\/zchat\/|\/v1\/history\/)[^/?#\s]+|(\/media(?:\/|%2f))\S*|\?\S*/gi

const hide = (_match: string, secretPath?: string, mediaPath?: string) =>
  `${secretPath ?? mediaPath ?? '?'}***`

/** What a request log line shows of the request: never a secret nor a visitor's words from the URL, never a header. */
export function describeRequest(request: { method: string; url: string }) {
  return { method: request.method, url: request.url.replace(hiddenInUrl, hide) }
}

// A visitor credential or history ticket (visitors.ts): `v2.<key id>.<payload>.<signature>`, or
// `v1.<payload>.<signature>` as they were before key ids.
const credentialShape = /\bv(?:1|2\.[\w-]{8})\.[\w-]{8,}\.[\w-]{16,}/g

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
    let out =
      line.includes('v1.') || line.includes('v2.') ? line.replace(credentialShape, censor) : line
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

/** Each logger's twin for request lines: the same output, without the redaction pass. */
const lineLoggers = new WeakMap<object, Logger>()
/** A request line's fields, in the line's order; undefined ones are left out, as pino does. */
type LineFields = {
  reqId: string | undefined
  method: string
  url: string
  statusCode: number
  responseTime: number | undefined
  ip: string
  aborted: true | undefined
}
/** Each twin's writer of a request line at info. */
const lineWriters = new WeakMap<object, (fields: LineFields) => void>()
/** What lineLogger found for each parent (Fastify hands requests a child of ours, bindings empty). */
const lineLoggerOf = new WeakMap<object, FastifyBaseLogger>()

/** The twin of `parent`'s root when the parent adds nothing to it (no bindings, same level); else the parent. */
function lineLogger(parent: FastifyBaseLogger): FastifyBaseLogger {
  let found = lineLoggerOf.get(parent)
  if (found) return found
  found = parent
  const bindings = (parent as Partial<Logger>).bindings?.()
  if (bindings && Object.keys(bindings).length === 0) {
    // pino's children inherit from their parent: the root is up the prototype chain.
    for (let up: object | null = parent; up; up = Object.getPrototypeOf(up)) {
      const twin = lineLoggers.get(up)
      if (twin) {
        if (twin.level === parent.level) found = twin
        break
      }
    }
  }
  lineLoggerOf.set(parent, found)
  return found
}

/** How long a line may wait in the output buffer at most (a quiet process still logs promptly). */
const flushEveryMs = 250

export function createLogger({ level, secrets = [], destination }: LoggerOptions): Logger {
  // stdout written 4 KiB at a time, not one write per line (a system call each: a tenth of a
  // webhook's CPU time), and at least every 250 ms; pino writes what is left when the process
  // exits. Past 16 MiB waiting (stdout not read) lines are dropped rather than held.
  const stdout = destination
    ? null
    : pino.destination({ dest: 1, sync: false, minLength: 4096, maxLength: 16 * 1024 * 1024 })
  let waiting = false
  const scrub = scrubber(secrets)
  const base = {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: {
      // The last net, on every line of both loggers.
      streamWrite: (line: string) => {
        waiting = true
        return scrub(line)
      },
    },
  }
  const stream = destination ?? stdout!
  const logger = pino(
    { ...base, redact: { paths: redactPaths, censor }, serializers: { req: describeRequest } },
    stream,
  )
  // A request line's fields are fixed and its URL already rid of secrets (describeRequest):
  // nothing for the redaction to find, which costs a tenth of a webhook's time.
  const twin = pino(base, stream)
  lineLoggers.set(logger, twin)
  // And written by hand, in the twin's own shape: pino's generic serialization of the same fields
  // was a tenth of a webhook's CPU time again. logger.test.ts holds the two lines equal.
  const head = `{"level":${twin.levels.values.info},"time":"`
  const origin = `","pid":${process.pid},"hostname":${JSON.stringify(hostname())}`
  lineWriters.set(twin, (fields) => {
    let line = `${head}${new Date().toISOString()}${origin}`
    for (const [name, value] of Object.entries(fields))
      if (value !== undefined) line += `,"${name}":${JSON.stringify(value)}`
    stream.write(base.hooks.streamWrite(`${line},"msg":"request completed"}\n`))
  })
  if (stdout) {
    setInterval(() => {
      if (!waiting) return
      waiting = false
      try {
        stdout.flush()
      } catch {
        // stdout is gone: nothing left to write to.
      }
    }, flushEveryMs).unref()
  }
  return logger
}

/** A load balancer's request id is kept when it is a short, plain token; otherwise we make one. */
const safeRequestId = /^[\w.:-]{1,64}$/

/**
 * Our ids: UUID-shaped, a random prefix per process and a counter, unique across instances
 * without asking the CSPRNG on every request (they are labels, not secrets).
 */
const idPrefix = randomBytes(10)
  .toString('hex')
  .replace(/^(.{8})(.{4})(.{4})(.{4})$/, '$1-$2-$3-$4-')
let idCount = 0

export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  if (typeof given === 'string' && safeRequestId.test(given)) return given
  idCount = (idCount + 1) % 0x1000000000000
  return idPrefix + idCount.toString(16).padStart(12, '0')
}

/**
 * A request's logger that becomes a pino child (with the request id bound) only when something
 * logs through it: most requests log nothing but their one line, which goes through the parent
 * (logRequest). A child costs about a microsecond and 1 KB, and an event stream would keep it for
 * its whole life.
 */
class RequestLogger {
  #child: FastifyBaseLogger | undefined
  readonly parent: FastifyBaseLogger
  readonly bindings: Bindings
  readonly options: ChildLoggerOptions
  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.parent = parent
    this.bindings = bindings
    this.options = options
  }
  get level() {
    return this.#child?.level ?? this.parent.level
  }
  set level(level: string) {
    this.real().level = level
  }
  real(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings, this.options)
    return this.#child
  }
  #log(level: Level, args: unknown[]) {
    // A level the parent leaves out costs nothing, not even the child.
    if (this.#child === undefined && !isEnabled(this.parent, level)) return
    const real = this.real()
    Reflect.apply(real[level], real, args)
  }
  fatal(...args: unknown[]) {
    this.#log('fatal', args)
  }
  error(...args: unknown[]) {
    this.#log('error', args)
  }
  warn(...args: unknown[]) {
    this.#log('warn', args)
  }
  info(...args: unknown[]) {
    this.#log('info', args)
  }
  debug(...args: unknown[]) {
    this.#log('debug', args)
  }
  trace(...args: unknown[]) {
    this.#log('trace', args)
  }
  silent() {}
  child(bindings: Bindings, options?: ChildLoggerOptions) {
    return this.real().child(bindings, options)
  }
}

function isEnabled(logger: FastifyBaseLogger, level: Level): boolean {
  const check = (logger as Partial<Logger>).isLevelEnabled
  return typeof check === 'function' ? check.call(logger, level) : true
}

/** Fastify's childLoggerFactory: a request's logger, made a pino child only when used. */
export function requestLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new RequestLogger(parent, bindings, options) as unknown as FastifyBaseLogger
}

const logged = new WeakSet<FastifyRequest>()

/** What the request line says besides the request itself. */
export type RequestOutcome = { statusCode: number; responseTime?: number; aborted?: boolean }

/**
 * The request line, through the parent logger with the id as a field when the request's own
 * logger was never used: no child logger for this one line.
 */
export function writeRequestLine(
  log: FastifyBaseLogger,
  request: { id: string; method: string; url: string; ip: string },
  { statusCode, responseTime, aborted }: RequestOutcome,
) {
  const own = log instanceof RequestLogger
  const logger = own ? lineLogger(log.parent) : log
  const line: LineFields = {
    reqId: own ? request.id : undefined,
    method: request.method,
    url: describeRequest(request).url,
    statusCode,
    responseTime:
      responseTime !== undefined && Number.isFinite(responseTime)
        ? Math.round(responseTime * 10) / 10
        : undefined,
    ip: request.ip,
    aborted: aborted ? true : undefined,
  }
  const write = lineWriters.get(logger)
  if (!write) logger.info(line, 'request completed')
  else if (isEnabled(logger, 'info')) write(line)
}

/**
 * The one line of a request, when its answer is over: reqId (a binding of every line the request
 * logs), method, URL without secrets, status, time taken and the client's address. Never a body.
 */
export function logRequest(request: FastifyRequest, reply: FastifyReply, aborted = false) {
  if (logged.has(request)) return
  logged.add(request)
  writeRequestLine(request.log, request, {
    statusCode: reply.raw.statusCode,
    responseTime: reply.elapsedTime,
    aborted,
  })
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route writes its own request line when it ends (an event stream): no listener here. */
    ownRequestLine?: boolean
  }
}

/** Every request's line, and its id sent back as `x-request-id`. */
export function logRequests(app: FastifyInstance) {
  // Callback hooks, not async ones: no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    // A call cut short (the client left before the answer) closes without finishing, and
    // onResponse never runs. An event stream logs its own end (routes/events.ts): a listener
    // here would keep the request and its reply for as long as the stream is open.
    if (!request.routeOptions.config.ownRequestLine) {
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) logRequest(request, reply, true)
      })
    }
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    logRequest(request, reply)
    done()
  })
}
