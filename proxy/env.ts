/**
 * Configuration, parsed once at start-up. A bad value stops the process with the variable's name
 * and what was expected; every missing required variable is named in the same message.
 *
 * Production needs a zChat account: there is no fallback to the emulator here. The demo
 * (`npm start`, demo/) makes up its own secrets and points at the emulator instead.
 */
import { isIP } from 'node:net'
import { z } from 'zod'
import { defaultUploadTypes, isKnownType, normalizeType } from './media/types.ts'
import { type CaptchaSettings, captchaVerifyUrls } from './starts.ts'

const commaList = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
        : value,
    z.array(item),
  )

const origin = z.url({ protocol: /^https?$/ }).transform((value, ctx) => {
  const parsed = new URL(value)
  if (parsed.origin !== value.replace(/\/$/, '')) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not an origin (scheme://host[:port], no path)`,
    })
  }
  return parsed.origin
})

/** 'false', a hop count, or addresses/CIDRs (what proxy-addr takes, checked here, not at listen). */
function isTrustProxy(value: string): boolean {
  const text = value.trim().toLowerCase()
  if (text === 'false' || /^\d{1,2}$/.test(text)) return true
  return text.split(',').every((part) => {
    const [address, bits, more] = part.trim().split('/')
    if (!address || more !== undefined || isIP(address) === 0) return false
    if (bits === undefined) return true
    const max = isIP(address) === 4 ? 32 : 128
    return /^\d{1,3}$/.test(bits) && Number(bits) <= max
  })
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** `1:10|11,2:20`: department 1 gets tags 10 and 11, department 2 tag 20. */
const departmentTags = z.string().transform((value, ctx) => {
  const tags = new Map<number, string[]>()
  for (const entry of value.split(',').map((part) => part.trim())) {
    const match = /^(\d+)\s*:\s*([\w-]+(?:\s*\|\s*[\w-]+)*)$/.exec(entry)
    const department = Number(match?.[1])
    if (!match?.[2] || !Number.isSafeInteger(department) || department <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `"${entry}" is not department:tag|tag (e.g. 1:10|11,2:20)`,
      })
      return z.NEVER
    }
    tags.set(department, [...new Set(match[2].split('|').map((tag) => tag.trim()))])
  }
  return tags
})
/** A MIME type the proxy can recognise by content (media/types.ts); never one a browser runs. */
const uploadType = z
  .string()
  .transform(normalizeType)
  .refine(isKnownType, {
    error: (issue) =>
      `${String(issue.input)} is not a type the proxy recognises by content (such as image/png, application/pdf, text/plain)`,
  })
  // Types a browser may run as a page or a plug-in, whatever headers they are served with.
  .refine((type) => !/xml|svg|html|javascript|flash/.test(type), {
    error: (issue) => `${String(issue.input)} is a type a browser could run: it cannot be allowed`,
  })

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback)
const port = (fallback: number) => int(0, 65_535, fallback)

/** What an operator may tune. Every entry is an environment variable with this default. */
export const limitsSchema = z.object({
  /** Visitor calls per minute per client address, over all visitor routes. */
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000, 300),
  /** New conversations per minute per client address (each one is a zChat interaction). */
  STARTS_PER_MINUTE: int(1, 100_000, 20),
  /** New conversations per minute for the whole process (every instance on REDIS_URL). */
  STARTS_PER_MINUTE_GLOBAL: int(1, 1_000_000, 600),
  /** Typing and cleared notices per minute per client address. */
  TYPING_PER_MINUTE: int(1, 100_000, 60),
  /** Webhook calls per minute per sender address. */
  WEBHOOK_PER_MINUTE: int(1, 10_000_000, 60_000),
  /** Open event streams per process. */
  MAX_STREAMS: int(1, 1_000_000, 20_000),
  /**
   * Open connections per peer address (0: no cap). Behind a load balancer every connection comes
   * from its address: raise this or set 0 there, and rely on the per-visitor limits.
   */
  MAX_CONNECTIONS_PER_IP: int(0, 1_000_000, 512),
  /**
   * Open event streams per client address (over every instance on REDIS_URL), so that one address
   * cannot take them all.
   */
  // Mobile carriers put many visitors behind one address (CGNAT): not too tight.
  MAX_STREAMS_PER_IP: int(1, 100_000, 200),
  /** Bytes waiting for a slow reader (socket buffer and queue) before its stream is dropped. */
  STREAM_BUFFER_BYTES: int(16 * 1024, 64 * 1024 * 1024, 256 * 1024),
  /** Open event streams per conversation (tabs of one visitor); a new one closes the oldest. */
  MAX_STREAMS_PER_CONVERSATION: int(1, 100, 8),
  /** Heartbeat comments on idle event streams, for proxies that cut silent connections. */
  HEARTBEAT_MS: int(1000, 120_000, 15_000),
  /** Largest visitor request body (JSON). */
  BODY_LIMIT_BYTES: int(1024, 1_048_576, 16 * 1024),
  /** Largest webhook body zChat may send. */
  WEBHOOK_BODY_LIMIT_BYTES: int(1024, 10_485_760, 64 * 1024),
  /** How long an ended conversation stays in memory (transcript, rating, de-duplication). */
  ENDED_RETENTION_MINUTES: int(1, 7 * 24 * 60, 60),
  /** How long a conversation with no activity and no open stream stays in memory. */
  IDLE_RETENTION_MINUTES: int(1, 30 * 24 * 60, 24 * 60),
  /** How long a conversation's transcript is kept, for zChat's history fetch and a returning visitor. */
  HISTORY_RETENTION_DAYS: int(1, 3650, 30),
  /** Conversations held in memory at most; past it the oldest ended ones go first. */
  MAX_CONVERSATIONS: int(10, 10_000_000, 20_000),
  /** Events kept per conversation at most; past it the oldest go. */
  MAX_EVENTS_PER_CONVERSATION: int(10, 100_000, 2000),
  /** Largest file a visitor may upload; 0 turns uploads off. */
  UPLOAD_MAX_BYTES: int(0, 100 * 1024 * 1024, 10 * 1024 * 1024),
  /** What visitors may upload, as sniffed from the bytes (never the name or the browser's word). */
  UPLOAD_TYPES: commaList(uploadType)
    .refine((types) => types.length > 0, 'at least one type (UPLOAD_MAX_BYTES=0 turns uploads off)')
    .default([...defaultUploadTypes]),
  /** Uploads per minute per client address. */
  UPLOADS_PER_MINUTE: int(1, 100_000, 20),
  /**
   * How long an uploaded file is served after it was stored. zChat keeps only its URL, so this is
   * how long agents can open it from the transcript: days, well past the conversation's retention.
   */
  MEDIA_RETENTION_HOURS: int(1, 365 * 24, 7 * 24),
  /** Bytes of uploads kept at most (over every instance on REDIS_URL); past it, wait for the sweep. */
  MEDIA_QUOTA_BYTES: int(1024 * 1024, 1024 ** 4, 5 * 1024 ** 3),
  /** Files one conversation may upload. */
  UPLOADS_PER_CONVERSATION: int(1, 10_000, 50),
  /** How long a zChat call may take before the visitor gets 504 UPSTREAM_TIMEOUT. */
  ZCHAT_TIMEOUT_MS: int(100, 120_000, 10_000),
  /** How long a client may take to send a whole request (headers and body); 0 turns it off. */
  REQUEST_TIMEOUT_MS: int(0, 600_000, 30_000),
  /** How long a client may take to send the request headers. */
  HEADERS_TIMEOUT_MS: int(1000, 600_000, 10_000),
  /** How long an idle keep-alive connection stays open; above a load balancer's (often 60 s). */
  KEEP_ALIVE_TIMEOUT_MS: int(1000, 600_000, 72_000),
  /** How long SIGTERM / SIGINT may take to drain before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: int(100, 600_000, 10_000),
  /** Messages left per minute per client address (each one reaches the site's inbox). */
  LEAVE_MESSAGE_PER_MINUTE: int(1, 10_000, 5),
  /** Left messages waiting for delivery at most; past it visitors are asked to try again later. */
  LEAVE_MESSAGE_MAX_PENDING: int(1, 1_000_000, 1000),
})
export type LimitSettings = z.infer<typeof limitsSchema>

/** Tunables as the app uses them. */
export type Limits = {
  rateLimitPerMinute: number
  startsPerMinute: number
  startsPerMinuteGlobal: number
  typingPerMinute: number
  webhookPerMinute: number
  maxStreams: number
  maxStreamsPerConversation: number
  maxStreamsPerIp: number
  maxConnectionsPerIp: number
  streamBufferBytes: number
  heartbeatMs: number
  bodyLimitBytes: number
  webhookBodyLimitBytes: number
  endedRetentionMs: number
  idleRetentionMs: number
  historyRetentionMs: number
  maxConversations: number
  maxEventsPerConversation: number
  /** 0: uploads are off. */
  uploadMaxBytes: number
  uploadTypes: readonly string[]
  uploadsPerMinute: number
  mediaRetentionMs: number
  mediaQuotaBytes: number
  uploadsPerConversation: number
  zchatTimeoutMs: number
  requestTimeoutMs: number
  headersTimeoutMs: number
  keepAliveTimeoutMs: number
  shutdownTimeoutMs: number
  leaveMessagePerMinute: number
  leaveMessageMaxPending: number
}

const minutes = 60 * 1000

function toLimits(e: LimitSettings): Limits {
  return {
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    startsPerMinute: e.STARTS_PER_MINUTE,
    startsPerMinuteGlobal: e.STARTS_PER_MINUTE_GLOBAL,
    typingPerMinute: e.TYPING_PER_MINUTE,
    webhookPerMinute: e.WEBHOOK_PER_MINUTE,
    maxStreams: e.MAX_STREAMS,
    maxStreamsPerConversation: e.MAX_STREAMS_PER_CONVERSATION,
    maxStreamsPerIp: e.MAX_STREAMS_PER_IP,
    maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
    streamBufferBytes: e.STREAM_BUFFER_BYTES,
    heartbeatMs: e.HEARTBEAT_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    webhookBodyLimitBytes: e.WEBHOOK_BODY_LIMIT_BYTES,
    endedRetentionMs: e.ENDED_RETENTION_MINUTES * minutes,
    idleRetentionMs: e.IDLE_RETENTION_MINUTES * minutes,
    historyRetentionMs: e.HISTORY_RETENTION_DAYS * 24 * 60 * minutes,
    maxConversations: e.MAX_CONVERSATIONS,
    maxEventsPerConversation: e.MAX_EVENTS_PER_CONVERSATION,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    uploadTypes: [...new Set(e.UPLOAD_TYPES)],
    uploadsPerMinute: e.UPLOADS_PER_MINUTE,
    mediaRetentionMs: e.MEDIA_RETENTION_HOURS * 60 * minutes,
    mediaQuotaBytes: e.MEDIA_QUOTA_BYTES,
    uploadsPerConversation: e.UPLOADS_PER_CONVERSATION,
    zchatTimeoutMs: e.ZCHAT_TIMEOUT_MS,
    // Node requires headersTimeout <= requestTimeout when the latter is on.
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    headersTimeoutMs:
      e.REQUEST_TIMEOUT_MS > 0
        ? Math.min(e.HEADERS_TIMEOUT_MS, e.REQUEST_TIMEOUT_MS)
        : e.HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    leaveMessagePerMinute: e.LEAVE_MESSAGE_PER_MINUTE,
    leaveMessageMaxPending: e.LEAVE_MESSAGE_MAX_PENDING,
  }
}

/** The defaults, for tests and tools that build the app without an environment. */
export const defaultLimits: Limits = toLimits(limitsSchema.parse({}))

const settingsSchema = limitsSchema.extend({
  PORT: port(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  ZCHAT_API_URL: z.url({ protocol: /^https?$/ }).default('https://zchat.zenvia.io/core/api/v1'),
  ZCHAT_TOKEN: z.string().min(1).optional(),
  /** The update call's token (the rating), when zChat gives it apart; default ZCHAT_TOKEN. */
  ZCHAT_UPDATE_TOKEN: z.string().min(1).optional(),
  /** The zone of the external history's zone-less times. */
  HISTORY_TIME_ZONE: z
    .string()
    .refine(isTimeZone, 'an IANA time zone, such as America/Sao_Paulo or UTC')
    .default('America/Sao_Paulo'),
  ZCHAT_WEBHOOK_SECRET: z
    .string()
    .min(16, 'at least 16 characters')
    .regex(/^[\w-]+$/, 'letters, digits, _ and - only')
    .optional(),
  SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
  ALLOWED_ORIGINS: z.union([z.literal('*'), commaList(origin)]).optional(),
  ALLOWED_DEPARTMENTS: commaList(z.coerce.number().int().positive()).optional(),
  /** Shared with the site's server, which signs visitors' identity with it (docs/identity.md). */
  IDENTITY_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** A CAPTCHA check before each new conversation: the provider, and its secret key. */
  CAPTCHA_PROVIDER: z.enum(['turnstile', 'hcaptcha']).optional(),
  CAPTCHA_SECRET: z.string().min(1).optional(),
  /** Where the provider's answer is asked (its own siteverify URL by default). */
  CAPTCHA_VERIFY_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** zChat tag ids every new interaction of a department gets. */
  DEPARTMENT_TAGS: departmentTags.optional(),
  /** Shared state for several instances (event logs, relay, de-duplication, rate limits). */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Visitors' uploads; shared by every instance behind one PUBLIC_URL. */
  MEDIA_DIR: z.string().min(1).default('.media'),
  /** Where left messages are POSTed, signed; unset, visitors cannot leave messages. */
  LEAVE_MESSAGE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Signs each delivery to LEAVE_MESSAGE_URL (HMAC-SHA256). */
  LEAVE_MESSAGE_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** 'true', a hop count, or a comma list of load-balancer addresses/CIDRs. */
  TRUST_PROXY: z
    .string()
    .refine(
      (value) => value.trim().toLowerCase() !== 'true',
      "'true' would believe any X-Forwarded-For a client writes, and every per-address limit would fall to one header: give the number of proxies in front (e.g. 1) or their addresses/CIDRs",
    )
    .refine(isTrustProxy, "'false', a hop count, or a comma list of IP addresses or CIDRs")
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Bearer token that opens GET /metrics on the main port. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** A separate listener for GET /metrics (not exposed to the public). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
})
export type Settings = z.infer<typeof settingsSchema>

export type Config = {
  port: number
  host: string
  publicUrl: string
  zchatApiUrl: string
  zchatToken: string
  /** The update call's token; null means zchatToken. */
  zchatUpdateToken: string | null
  historyTimeZone: string
  webhookSecret: string
  sessionSecret: string
  sessionTtlMs: number
  /** '*' allows any site to embed the widget. */
  allowedOrigins: '*' | string[]
  allowedDepartments: number[] | null
  /** Checks signed identities; null: an identity is refused (422). */
  identitySecret: string | null
  captcha: CaptchaSettings | null
  /** Department id -> zChat tag ids given to its new interactions. */
  departmentTags: ReadonlyMap<number, readonly string[]>
  mediaDir: string
  /** Several instances share their state there; null: this process keeps it in memory. */
  redisUrl: string | null
  /** Where left messages go, and the secret they are signed with; null: the feature is off. */
  leaveMessage: { url: string; secret: string } | null
  logLevel: Settings['LOG_LEVEL']
  /** Whom to believe about the client's address (X-Forwarded-For), for rate limits. */
  trustProxy: false | number | string[]
  metrics: { token: string | null; port: number | null; host: string }
  limits: Limits
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export type Env = Record<string, string | undefined>

const problem = (name: string, message: string) => `  ${name}: ${message}`

function fail(lines: string[]): never {
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
}

/** Every variable, read and checked; nothing is required yet. */
export function readSettings(env: Env, extraLines: string[] = []): Settings {
  // An empty variable (`FOO=` in a .env file) means "not set", as it does for most tools.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const parsed = settingsSchema.safeParse(given)
  const lines = parsed.success
    ? []
    : parsed.error.issues.map((issue) => problem(issue.path.join('.'), issue.message))
  if (parsed.success && parsed.data.LEAVE_MESSAGE_URL && !parsed.data.LEAVE_MESSAGE_SECRET) {
    lines.push(
      problem(
        'LEAVE_MESSAGE_SECRET',
        'required when LEAVE_MESSAGE_URL is set: signs each delivery (32+ characters)',
      ),
    )
  }
  if (
    parsed.success &&
    !parsed.data.CAPTCHA_PROVIDER &&
    (parsed.data.CAPTCHA_SECRET || parsed.data.CAPTCHA_VERIFY_URL)
  ) {
    lines.push(
      problem(
        'CAPTCHA_PROVIDER',
        'required with CAPTCHA_SECRET or CAPTCHA_VERIFY_URL: turnstile or hcaptcha',
      ),
    )
  }
  if (parsed.success && parsed.data.CAPTCHA_PROVIDER && !parsed.data.CAPTCHA_SECRET) {
    lines.push(
      problem('CAPTCHA_SECRET', "required when CAPTCHA_PROVIDER is set: the provider's secret key"),
    )
  }
  if (lines.length > 0 || extraLines.length > 0 || !parsed.success) fail([...extraLines, ...lines])
  return parsed.data
}

const required = [
  ['ZCHAT_TOKEN', 'the zChat API token (zChat > Settings > Integrations > API)'],
  ['ZCHAT_WEBHOOK_SECRET', 'the secret path of the webhook URL (16+ letters, digits, _ or -)'],
  ['SESSION_SECRET', 'signs visitor credentials (32+ characters)'],
  ['PUBLIC_URL', "the proxy's public URL, as the snippet's src uses it"],
  ['ALLOWED_ORIGINS', 'comma list of site origins allowed to use the chat, or *'],
] as const

/** The production configuration: every required variable set, every value valid. */
export function loadConfig(env: Env = process.env): Config {
  const missing = required
    .filter(([name]) => !env[name])
    .map(([name, what]) => problem(name, `required: ${what}`))
  const s = readSettings(env, missing)
  return toConfig(s, {
    zchatToken: s.ZCHAT_TOKEN!,
    webhookSecret: s.ZCHAT_WEBHOOK_SECRET!,
    sessionSecret: s.SESSION_SECRET!,
    publicUrl: s.PUBLIC_URL!,
    allowedOrigins: s.ALLOWED_ORIGINS!,
  })
}

export type Secrets = Pick<
  Config,
  'zchatToken' | 'webhookSecret' | 'sessionSecret' | 'publicUrl' | 'allowedOrigins'
>

export function toConfig(s: Settings, secrets: Secrets): Config {
  return {
    port: s.PORT,
    host: s.HOST,
    publicUrl: secrets.publicUrl.replace(/\/+$/, ''),
    zchatApiUrl: s.ZCHAT_API_URL,
    zchatToken: secrets.zchatToken,
    zchatUpdateToken: s.ZCHAT_UPDATE_TOKEN ?? null,
    historyTimeZone: s.HISTORY_TIME_ZONE,
    webhookSecret: secrets.webhookSecret,
    sessionSecret: secrets.sessionSecret,
    sessionTtlMs: s.SESSION_TTL_HOURS * 60 * minutes,
    allowedOrigins: secrets.allowedOrigins,
    allowedDepartments: s.ALLOWED_DEPARTMENTS ?? null,
    identitySecret: s.IDENTITY_SECRET ?? null,
    captcha:
      s.CAPTCHA_PROVIDER && s.CAPTCHA_SECRET
        ? {
            provider: s.CAPTCHA_PROVIDER,
            secret: s.CAPTCHA_SECRET,
            verifyUrl: s.CAPTCHA_VERIFY_URL ?? captchaVerifyUrls[s.CAPTCHA_PROVIDER],
          }
        : null,
    departmentTags: s.DEPARTMENT_TAGS ?? new Map(),
    mediaDir: s.MEDIA_DIR,
    redisUrl: s.REDIS_URL ?? null,
    leaveMessage:
      s.LEAVE_MESSAGE_URL && s.LEAVE_MESSAGE_SECRET
        ? { url: s.LEAVE_MESSAGE_URL, secret: s.LEAVE_MESSAGE_SECRET }
        : null,
    logLevel: s.LOG_LEVEL,
    trustProxy: parseTrustProxy(s.TRUST_PROXY),
    metrics: { token: s.METRICS_TOKEN ?? null, port: s.METRICS_PORT ?? null, host: s.METRICS_HOST },
    limits: toLimits(s),
  }
}

function parseTrustProxy(value: string | undefined): false | number | string[] {
  if (value === undefined || value.trim().toLowerCase() === 'false') return false
  if (/^\d+$/.test(value)) return Number(value)
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
}
