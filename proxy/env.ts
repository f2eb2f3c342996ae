/**
 * Configuration, parsed once at start-up. A bad value stops the process with the variable's name
 * and what was expected; every missing required variable is named in the same message.
 *
 * Production needs a zChat account: there is no fallback to the emulator here. The demo
 * (`npm start`, demo/) makes up its own secrets and points at the emulator instead.
 *
 * Each variable is declared once, below: its parser (with its bounds), its default and one line
 * saying what it is for. The config's types are inferred from those declarations; a setting lands
 * in the config under its name in camelCase (`MAX_STREAMS_PER_IP` -> `maxStreamsPerIp`) unless it
 * names its own `key`. docs/operations.md's settings table is written from them
 * (`npm run docs:settings`), and scripts/docs.test.ts fails when the page and this file differ.
 */
import { isIP } from 'node:net'
import { z } from 'zod'
import { channels } from '../protocol/wire.ts'
import { captchaActions, captchaVerifyUrls } from './captcha.ts'
import { defaultUploadTypes, isKnownType, normalizeType } from './media/types.ts'

/** One environment variable. */
export type Setting = {
  /** What the variable's text becomes; its checks' messages say what was expected. */
  readonly schema: z.ZodType
  /** One line for operators: the settings table's meaning (and, when required, the error's). */
  readonly doc: string
  /** The text taken when the variable is unset, parsed as a given one is; none: unset is null. */
  readonly default?: string
  /** The smallest and largest number taken, for the table (the schema enforces them). */
  readonly bounds?: readonly [number, number]
  /** What is taken, for the table, when neither bounds nor an enum's options say it. */
  readonly accepts?: string
  /** What unset means, for the table, when there is no default text. */
  readonly whenUnset?: string
  /** Its key in the config, when that is not its name in camelCase. */
  readonly key?: string
}
type Declarations = Record<string, Setting>

type Options = Omit<Setting, 'schema' | 'doc'>
function setting<S extends z.ZodType, const O extends Options = Record<never, never>>(
  schema: S,
  doc: string,
  options?: O,
): { schema: S; doc: string } & O {
  return { schema, doc, ...options } as { schema: S; doc: string } & O
}

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

export function isTimeZone(zone: string): boolean {
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
/** `1,4`: those department ids; `*`: every department of the account (null). */
const departments = z.string().transform((value, ctx) => {
  if (value.trim() === '*') return null
  const ids = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
  if (ids.length > 0 && ids.every((id) => /^\d{1,15}$/.test(id) && Number(id) > 0))
    return ids.map(Number)
  ctx.addIssue({
    code: 'custom',
    message: `"${value}" is not a comma list of department ids (whole numbers from 1), or *`,
  })
  return z.NEVER
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

const minute = 60 * 1000
const hour = 60 * minute
const day = 24 * hour

const wholeNumber = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

/** A whole number from `min` to `max`; `fallback` when unset. */
const whole = ([min, max, fallback]: [number, number, number], doc: string) =>
  setting(wholeNumber(min, max), doc, { default: String(fallback), bounds: [min, max] as const })

/** A whole number of minutes or hours, which the app takes in milliseconds under `key`. */
const duration = <const K extends string>(
  unit: typeof minute | typeof hour | typeof day,
  [min, max, fallback]: [number, number, number],
  key: K,
  doc: string,
) =>
  setting(
    wholeNumber(min, max).transform((count) => count * unit),
    doc,
    { default: String(fallback), bounds: [min, max] as const, key },
  )

const port = z.coerce.number().int().min(0).max(65_535)
const httpUrl = z.url({ protocol: /^https?$/ })
const secret32 = z.string().min(32, 'at least 32 characters')
const webhookSecret = z
  .string()
  .min(16, 'at least 16 characters')
  .regex(/^[\w-]+$/, 'letters, digits, _ and - only')

/** What the production proxy cannot start without; the demo makes them up (demo/config.ts). */
export const requiredSettings = {
  ZCHAT_TOKEN: setting(
    z.string().min(1),
    'the zChat API token (zChat > Settings > Integrations > API)',
  ),
  ZCHAT_WEBHOOK_SECRET: setting(
    webhookSecret,
    'the secret path of the webhook URL (16+ letters, digits, _ or -)',
    { key: 'webhookSecret' },
  ),
  SESSION_SECRET: setting(secret32, 'signs visitor credentials (32+ characters)'),
  PUBLIC_URL: setting(httpUrl, "the proxy's public URL, as the snippet's src uses it"),
  ALLOWED_ORIGINS: setting(
    z.union([z.literal('*'), commaList(origin)]),
    'comma list of site origins allowed to use the chat, or *',
  ),
  // Required, `*` included: unset used to mean any department, and a visitor chooses it, so a page's
  // script could open conversations in the account's internal or VIP queues.
  ALLOWED_DEPARTMENTS: setting(
    departments,
    'comma list of the zChat department ids visitors may start a conversation in, or `*` for every department of the account, internal and VIP queues included ([security.md](security.md#what-a-site-owner-must-configure))',
  ),
} satisfies Declarations

/** Settings the config takes as they are: by name, null when unset and without a default. */
const serverSettings = {
  PORT: setting(port, 'where the proxy listens', { default: '8787', bounds: [0, 65_535] }),
  HOST: setting(z.string().min(1), 'the address it listens on (`0.0.0.0` behind a load balancer)', {
    default: '127.0.0.1',
  }),
  ZCHAT_API_URL: setting(httpUrl, 'zChat ClientApi V1 base URL', {
    default: 'https://zchat.zenvia.io/core/api/v1',
  }),
  ZCHAT_UPDATE_TOKEN: setting(
    z.string().min(1),
    'the token of zChat\'s update call (the rating, customer key, tags), which the contract calls "your clientSdk token" while every other call says "your API token"',
    { whenUnset: '`ZCHAT_TOKEN`' },
  ),
  ZCHAT_WEBHOOK_SECRET_PREVIOUS: setting(
    webhookSecret,
    "`ZCHAT_WEBHOOK_SECRET`'s value before its last rotation: the webhook answers on both paths until zChat has the new one ([Rotating secrets](security.md#rotating-secrets))",
    { key: 'webhookSecretPrevious' },
  ),
  SESSION_SECRET_PREVIOUS: setting(
    secret32,
    "`SESSION_SECRET`'s value before its last rotation: the credentials and history links it signed stay valid until they expire, new ones are signed with `SESSION_SECRET` ([Rotating secrets](security.md#rotating-secrets))",
  ),
  HISTORY_TIME_ZONE: setting(
    z.string().refine(isTimeZone, 'an IANA time zone, such as America/Sao_Paulo or UTC'),
    'the zone of the times in the external-history document zChat fetches (its format has none)',
    { default: 'America/Sao_Paulo', accepts: 'an IANA time zone' },
  ),
  SESSION_TTL_HOURS: setting(
    z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .transform((hours) => hours * hour),
    'how long a visitor credential is valid',
    { default: '24', accepts: 'more than 0, up to 720', key: 'sessionTtlMs' },
  ),
  ALLOWED_CHANNELS: setting(
    commaList(z.enum(channels))
      .refine((list) => list.length > 0, 'at least one of web, whatsapp, sms')
      .transform((list): readonly (typeof channels)[number][] => [...new Set(list)]),
    "comma list of where agents may answer a visitor: `web` (in the chat), `whatsapp`, `sms` (zChat's media types WHATSAPP and SMS, at the phone the visitor gives); a start on another is refused (422). The site offers them with `data-channels` ([Departments and channels](embedding.md#departments-and-channels))",
    { default: 'web', accepts: '`web`, `whatsapp`, `sms`' },
  ),
  IDENTITY_SECRET: setting(
    secret32,
    "shared with the site's server, which signs visitors' identity with it (32+ characters; [identity.md](identity.md)); unset: identities are refused (422)",
  ),
  IDENTITY_SECRET_PREVIOUS: setting(
    secret32,
    "`IDENTITY_SECRET`'s value before its last rotation: identities the site signed with it are still taken ([Rotating secrets](security.md#rotating-secrets))",
  ),
  IDENTITY_MAX_AGE_SECONDS: setting(
    wholeNumber(60, 3600),
    'how long a signed identity may live: its `exp` at most this many seconds after its `iat`, and its `jti` is refused a second time until then ([identity.md](identity.md))',
    { default: '600', bounds: [60, 3600] },
  ),
  ADMIN_TOKEN: setting(
    secret32,
    "opens the operators' calls (`DELETE /admin/conversations/:id`, erasing a conversation on a visitor's request by e-mail) to `Authorization: Bearer {ADMIN_TOKEN}` (32+ characters; [security.md](security.md#erasing-a-visitors-data)); unset, there are none",
  ),
  REDIS_URL: setting(
    z.url({ protocol: /^rediss?$/ }),
    '`redis://` or `rediss://` URL: several instances share conversations, rate limits and counts there ([Several instances](#several-instances)); unset, one process keeps them in memory',
  ),
  MEDIA_DIR: setting(
    z.string().min(1),
    "where visitors' uploads are stored; must be writable, and shared by every instance behind one `PUBLIC_URL` ([Media](#media))",
    { default: '.media' },
  ),
  LEAVE_MESSAGE_DEAD_LETTER_DIR: setting(
    z.string().min(1),
    'where left messages the site never took are kept for the operator, one file each, without `REDIS_URL` (with it, Redis keeps them); must be writable, and on a volume that outlives the container ([Dead letters](#dead-letters))',
    { default: '.dead-letters', key: 'deadLetterDir' },
  ),
  LOG_LEVEL: setting(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'how much the proxy logs ([Logs](#logs))',
    { default: 'info' },
  ),
} satisfies Declarations

/** Settings the config takes together (captcha, left messages, metrics) or reads first. */
const composedSettings = {
  DEPARTMENT_TAGS: setting(
    departmentTags,
    "zChat tag ids each department's new interactions get: `1:10|11,2:20` (department 1: tags 10 and 11), set with zChat's update call right after the start",
  ),
  CAPTCHA_PROVIDER: setting(
    z.enum(['turnstile', 'hcaptcha', 'recaptcha']),
    "a CAPTCHA check before each new conversation and left message (`CAPTCHA_ACTIONS`): each needs a token the provider accepts, solved on one of `ALLOWED_ORIGINS`' hosts ([security.md](security.md#captcha))",
  ),
  CAPTCHA_SECRET: setting(z.string().min(1), "the provider's secret key (required with it)"),
  CAPTCHA_VERIFY_URL: setting(
    httpUrl,
    "where the provider's token is checked: any siteverify that takes `secret`, `response` and `remoteip` and answers `success` and `hostname`",
    { whenUnset: "the provider's siteverify" },
  ),
  CAPTCHA_ACTIONS: setting(
    commaList(z.enum(captchaActions)).refine(
      (actions) => actions.length > 0,
      'start, leave-message or both (unset CAPTCHA_PROVIDER for none)',
    ),
    'comma list of what needs a CAPTCHA token when `CAPTCHA_PROVIDER` is set: `start` (a new conversation), `leave-message`',
    { default: captchaActions.join(','), accepts: '`start`, `leave-message`' },
  ),
  LEAVE_MESSAGE_URL: setting(
    httpUrl,
    'where left messages are POSTed, signed ([Left messages](http-api.md#left-messages)); unset, visitors cannot leave one',
  ),
  LEAVE_MESSAGE_SECRET: setting(
    secret32,
    'signs each delivery to `LEAVE_MESSAGE_URL`, HMAC-SHA256 (32+ characters; required with it)',
  ),
  TRANSCRIPT_BY_EMAIL: setting(
    z.enum(['true', 'false']).transform((value) => value === 'true'),
    'lets a visitor ask, after the chat, for its transcript by e-mail: the proxy delivers it to `LEAVE_MESSAGE_URL` as a `transcript-requested`, and the site sends the e-mail ([Transcripts by e-mail](http-api.md#transcripts-by-e-mail); requires `LEAVE_MESSAGE_URL`)',
    { default: 'false' },
  ),
  TRUST_PROXY: setting(
    z
      .string()
      .refine(
        (value) => value.trim().toLowerCase() !== 'true',
        "'true' would believe any X-Forwarded-For a client writes, and every per-address limit would fall to one header: give the number of proxies in front (e.g. 1) or their addresses/CIDRs",
      )
      .refine(isTrustProxy, "'false', a hop count, or a comma list of IP addresses or CIDRs"),
    "whom to believe about the client's address behind a load balancer: the number of proxies in front (e.g. `1`), or their addresses/CIDRs, so rate limits see each visitor's. `true` is refused: it would believe any `X-Forwarded-For` a client writes",
    { default: 'false', accepts: '`false`, a hop count, or addresses/CIDRs' },
  ),
  METRICS_TOKEN: setting(
    z.string().min(16, 'at least 16 characters'),
    'opens `GET /metrics` on the main port to `Authorization: Bearer {METRICS_TOKEN}` (16+ characters; [Metrics](#metrics))',
  ),
  METRICS_PORT: setting(
    port,
    'serves `GET /metrics` on a listener of its own instead (keep it off the public network)',
    { bounds: [0, 65_535] },
  ),
  METRICS_HOST: setting(z.string().min(1), 'the address of the `METRICS_PORT` listener', {
    default: '127.0.0.1',
  }),
} satisfies Declarations

/** What an operator tunes: the config's `limits`, by name. */
const limitSettings = {
  IPV6_PREFIX_LENGTH: whole(
    [24, 128, 64],
    'an IPv6 client counts by this many leading bits of its address in every per-address limit: an ISP hands each customer a prefix (a /64 at least, often a /56 or /48) and any address in it is theirs. IPv4-mapped addresses count as IPv4 ([security.md](security.md#client-addresses))',
  ),
  RATE_LIMIT_PER_MINUTE: whole(
    [1, 1_000_000, 300],
    'visitor calls per minute per client address, over all visitor routes',
  ),
  STARTS_PER_MINUTE: whole(
    [1, 100_000, 20],
    'new conversations per minute per client address (each is a zChat interaction an agent must handle)',
  ),
  STARTS_PER_MINUTE_GLOBAL: whole(
    [1, 1_000_000, 600],
    'new conversations per minute for the whole process (every instance on `REDIS_URL`), whatever the addresses',
  ),
  TYPING_PER_MINUTE: whole(
    [1, 100_000, 60],
    'typing and cleared notices per minute per client address',
  ),
  WEBHOOK_PER_MINUTE: whole(
    [1, 10_000_000, 60_000],
    'webhook calls per minute per sender address, counted by each instance',
  ),
  MAX_STREAMS: whole(
    [1, 1_000_000, 20_000],
    'open event streams per process (each holds about 11 KB)',
  ),
  MAX_STREAMS_PER_CONVERSATION: whole(
    [1, 100, 8],
    'open event streams per conversation (tabs of one visitor); a new one closes the oldest',
  ),
  MAX_STREAMS_PER_IP: whole(
    [1, 100_000, 200],
    'open event streams per client address, over every instance on `REDIS_URL`, so that one address cannot take them all (mobile carriers put many visitors behind one address: not too tight)',
  ),
  MAX_CONNECTIONS_PER_IP: whole(
    [0, 1_000_000, 512],
    'open connections per peer address (`0`: no cap) when the proxy faces visitors directly; with `TRUST_PROXY` set every connection comes from the load balancer, so the cap does not apply and the per-visitor limits do the work',
  ),
  STREAM_BUFFER_BYTES: whole(
    [16 * 1024, 64 * 1024 * 1024, 256 * 1024],
    'bytes waiting for a slow reader (socket buffer and queue) before its stream is dropped (it reconnects and resumes); a reader that takes nothing for two heartbeats is dropped too',
  ),
  HEARTBEAT_MS: whole(
    [1000, 120_000, 15_000],
    'heartbeat comments on idle event streams, for proxies that cut silent connections; with `REDIS_URL`, how often an instance renews its lease ([Several instances](#several-instances))',
  ),
  BODY_LIMIT_BYTES: whole([1024, 1_048_576, 16 * 1024], 'largest visitor request body (JSON)'),
  WEBHOOK_BODY_LIMIT_BYTES: whole(
    [1024, 10_485_760, 64 * 1024],
    'largest webhook body zChat may send',
  ),
  ENDED_RETENTION_MINUTES: duration(
    minute,
    [1, 7 * 24 * 60, 60],
    'endedRetentionMs',
    "how long an ended conversation's event log is kept after its last activity (its transcript is kept `HISTORY_RETENTION_DAYS`)",
  ),
  HISTORY_RETENTION_DAYS: duration(
    day,
    [1, 3650, 30],
    'historyRetentionMs',
    "how long a conversation's transcript (messages, media URLs, times, how it ended) is kept after its last message, for zChat's external-history fetch and a visitor who comes back; never less than `SESSION_TTL_HOURS`. The history URLs given to zChat answer as long",
  ),
  IDLE_RETENTION_MINUTES: duration(
    minute,
    [1, 30 * 24 * 60, 24 * 60],
    'idleRetentionMs',
    'how long a conversation with no activity and no open stream stays in memory',
  ),
  MAX_CONVERSATIONS: whole(
    [10, 10_000_000, 20_000],
    'conversations held in memory; past it the least recently active go, ended ones first, watched ones never',
  ),
  MAX_EVENTS_PER_CONVERSATION: whole(
    [10, 100_000, 2000],
    'events kept per conversation; past it the oldest go',
  ),
  // About 100 times a typical conversation's events (9 KB), a few hundred long agent messages.
  MAX_BYTES_PER_CONVERSATION: whole(
    [64 * 1024, 1024 ** 3, 1024 ** 2],
    'bytes of events kept per conversation (each counted once, as stored); past it the oldest go, as past `MAX_EVENTS_PER_CONVERSATION`; the newest is kept whatever its size (the body limits bound it)',
  ),
  // Sized for a 512 MB container: a process of about 150 MB, transcripts (64 MiB), streams,
  // and this, with room for the garbage a flood leaves until V8 collects it (docs/operations.md).
  EVENT_LOG_MAX_BYTES: whole(
    [1024 ** 2, 1024 ** 4, 96 * 1024 ** 2],
    "bytes the in-memory event log holds in all (events as stored, their keys and bookkeeping; `zchat_proxy_event_log_bytes`); past it conversations never opened here go first, then the least recently active ended ones (their transcripts answer for them); open ones keep their events, so keep it above what live conversations hold. With `REDIS_URL`, Redis's `maxmemory` bounds the log instead ([Memory](#memory))",
  ),
  UNOPENED_MAX_CONVERSATIONS: whole(
    [1, 1_000_000, 2000],
    "interactions never opened here held at once (zChat's webhook sends every channel's; each is kept 2 minutes in case its `queued` outruns the start's answer); past it the least recently active go, in memory and on Redis",
  ),
  UNOPENED_MAX_BYTES: whole(
    [64 * 1024, 1024 ** 3, 8 * 1024 ** 2],
    'bytes those interactions hold together; past it the least recently active go, in memory and on Redis',
  ),
  UPLOAD_MAX_BYTES: whole(
    [0, 100 * 1024 * 1024, 10 * 1024 * 1024],
    'largest file a visitor may upload; `0` turns uploads off',
  ),
  UPLOAD_TYPES: setting(
    commaList(uploadType)
      .refine(
        (types) => types.length > 0,
        'at least one type (UPLOAD_MAX_BYTES=0 turns uploads off)',
      )
      .transform((types): readonly string[] => [...new Set(types)]),
    "comma list of MIME types visitors may upload, as recognised from the file's bytes, never its name or the browser's word ([Media](#media))",
    { default: defaultUploadTypes.join(','), accepts: 'types the proxy recognises by content' },
  ),
  UPLOADS_PER_MINUTE: whole([1, 100_000, 20], 'uploads per minute per client address'),
  // zChat keeps only the file's URL: this is how long agents can open it from the transcript, so
  // days, well past the conversation's retention.
  MEDIA_RETENTION_HOURS: duration(
    hour,
    [1, 365 * 24, 7 * 24],
    'mediaRetentionMs',
    'how long a file is served (and kept) after the message that carries it was sent; zChat keeps only its URL',
  ),
  MEDIA_UNSENT_MINUTES: duration(
    minute,
    [1, 24 * 60, 15],
    'mediaUnsentMs',
    'how long an upload no message has carried is kept; its URL answers `404` until the message that carries it is sent',
  ),
  MEDIA_QUOTA_BYTES: whole(
    [1024 * 1024, 1024 ** 4, 5 * 1024 ** 3],
    'bytes of uploads kept at most (over every instance on `REDIS_URL`); past it uploads get `503` until expired files are swept',
  ),
  UPLOADS_PER_CONVERSATION: whole([1, 10_000, 50], 'files one conversation may upload'),
  MEDIA_QUOTA_PER_CONVERSATION_BYTES: whole(
    [1024, 1024 ** 4, 100 * 1024 * 1024],
    'bytes one conversation may upload, over every instance on `REDIS_URL`; past it its uploads get `429`',
  ),
  MEDIA_QUOTA_PER_IP_BYTES: whole(
    [1024, 1024 ** 4, 1024 ** 3],
    'bytes one client address may upload per `MEDIA_RETENTION_HOURS`, over all its conversations and every instance on `REDIS_URL`: about the most of `MEDIA_QUOTA_BYTES` one address can hold; past it its uploads get `429` (carriers put many visitors behind one address: not too tight)',
  ),
  MEDIA_IDLE_TIMEOUT_MS: whole(
    [1000, 600_000, 30_000],
    "how long a download of a visitor's file may go without the reader taking a byte before its connection is closed, and the file's handle with it",
  ),
  ZCHAT_TIMEOUT_MS: whole(
    [100, 120_000, 10_000],
    'how long a zChat call may take before the visitor gets `504 UPSTREAM_TIMEOUT`',
  ),
  REQUEST_TIMEOUT_MS: whole(
    [0, 600_000, 30_000],
    'how long a client may take to send a whole request, headers and body (`0`: no limit); event streams are responses and are not bound by it',
  ),
  HEADERS_TIMEOUT_MS: whole(
    [1000, 600_000, 10_000],
    'how long a client may take to send its request headers (at most `REQUEST_TIMEOUT_MS`)',
  ),
  KEEP_ALIVE_TIMEOUT_MS: whole(
    [1000, 600_000, 72_000],
    "how long an idle keep-alive connection stays open (above a load balancer's, often 60 s)",
  ),
  SHUTDOWN_TIMEOUT_MS: whole(
    [100, 600_000, 10_000],
    'how long SIGTERM / SIGINT may take to drain before the remaining connections are cut',
  ),
  LEAVE_MESSAGE_PER_MINUTE: whole(
    [1, 10_000, 5],
    "messages left per minute per client address (each one reaches the site's inbox)",
  ),
  LEAVE_MESSAGE_PER_MINUTE_GLOBAL: whole(
    [1, 100_000, 30],
    "messages left per minute for the whole deployment (every instance on `REDIS_URL`), whatever the addresses: a crowd of them must not fill the site's inbox",
  ),
  LEAVE_MESSAGE_PER_HOUR_GLOBAL: whole(
    [1, 1_000_000, 300],
    'messages left per hour for the whole deployment, likewise',
  ),
  LEAVE_MESSAGE_DEAD_LETTER_HOURS: duration(
    hour,
    [1, 365 * 24, 30 * 24],
    'deadLetterRetentionMs',
    'how long a left message the site never took is kept (for a retry) before it is erased: it is personal data ([Dead letters](#dead-letters))',
  ),
  LEAVE_MESSAGE_MAX_PENDING: whole(
    [1, 1_000_000, 1000],
    'left messages waiting for delivery at most; past it visitors get `503` and are asked to try again later',
  ),
} satisfies Declarations

/** Every optional variable, in the order the settings table lists them. */
export const optionalSettings = {
  ...serverSettings,
  ...composedSettings,
  ...limitSettings,
} satisfies Declarations

type CamelCase<Name extends string> = Name extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}`
  : Lowercase<Name>
const camelCase = (name: string) =>
  name.toLowerCase().replace(/_(.)/g, (_, letter: string) => letter.toUpperCase())

type KeyOf<Name extends string, S> = S extends { key: infer K extends string } ? K : CamelCase<Name>
type Parsed<S extends Setting> = z.output<S['schema']>

/**
 * The variables as read (durations already in milliseconds): a value for each, undefined when
 * unset without a default.
 */
export type Settings = {
  [Name in keyof AllSettings]: AllSettings[Name] extends { default: string }
    ? Parsed<AllSettings[Name]>
    : Parsed<AllSettings[Name]> | undefined
}
type AllSettings = typeof requiredSettings & typeof optionalSettings

/** A group as the app takes it: each setting under its key, null when unset without a default. */
type Taken<D extends Declarations> = {
  -readonly [Name in keyof D & string as KeyOf<Name, D[Name]>]: D[Name] extends {
    default: string
  }
    ? Parsed<D[Name]>
    : Parsed<D[Name]> | null
}

function take<D extends Declarations>(group: D, s: Settings): Taken<D> {
  const values = s as Record<string, unknown>
  const entries = Object.entries(group).map(([name, { key }]) => [
    key ?? camelCase(name),
    values[name] ?? null,
  ])
  // Built from the same declarations the type is: Taken<D> names each entry as this does.
  return Object.fromEntries(entries) as Taken<D>
}

/** Tunables as the app uses them. */
export type Limits = Taken<typeof limitSettings>

function toLimits(s: Settings): Limits {
  const limits = take(limitSettings, s)
  // Node requires headersTimeout <= requestTimeout when the latter is on.
  if (limits.requestTimeoutMs > 0)
    limits.headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs)
  return limits
}

const everySetting: Declarations = { ...requiredSettings, ...optionalSettings }
const envSchema = z.object(
  Object.fromEntries(
    Object.entries(everySetting).map(([name, { schema, default: text }]) => [
      name,
      text === undefined ? schema.optional() : schema,
    ]),
  ),
)
/** Each default as text, parsed as a variable that was set would be. */
const defaultText = Object.fromEntries(
  Object.entries(everySetting).flatMap(([name, { default: text }]) =>
    text === undefined ? [] : [[name, text]],
  ),
)

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
  const parsed = envSchema.safeParse({ ...defaultText, ...given })
  if (!parsed.success) {
    fail([
      ...extraLines,
      ...parsed.error.issues.map((issue) => problem(issue.path.join('.'), issue.message)),
    ])
  }
  // envSchema is built from the declarations Settings is inferred from.
  const s = parsed.data as Settings
  const lines = [...extraLines, ...rotationProblems(s)]
  if (s.LEAVE_MESSAGE_URL && !s.LEAVE_MESSAGE_SECRET) {
    lines.push(
      problem(
        'LEAVE_MESSAGE_SECRET',
        'required when LEAVE_MESSAGE_URL is set: signs each delivery (32+ characters)',
      ),
    )
  }
  if (s.TRANSCRIPT_BY_EMAIL && !s.LEAVE_MESSAGE_URL) {
    lines.push(
      problem(
        'LEAVE_MESSAGE_URL',
        'required when TRANSCRIPT_BY_EMAIL is true: transcripts are delivered to the site there',
      ),
    )
  }
  if (!s.CAPTCHA_PROVIDER && (s.CAPTCHA_SECRET || s.CAPTCHA_VERIFY_URL)) {
    lines.push(
      problem(
        'CAPTCHA_PROVIDER',
        'required with CAPTCHA_SECRET or CAPTCHA_VERIFY_URL: turnstile, hcaptcha or recaptcha',
      ),
    )
  }
  if (s.CAPTCHA_PROVIDER && !s.CAPTCHA_SECRET) {
    lines.push(
      problem('CAPTCHA_SECRET', "required when CAPTCHA_PROVIDER is set: the provider's secret key"),
    )
  }
  if (lines.length > 0) fail(lines)
  return s
}

/** Each secret that rotates, and the variable that holds its value before the last rotation. */
const rotatingSecrets = [
  ['ZCHAT_WEBHOOK_SECRET', 'ZCHAT_WEBHOOK_SECRET_PREVIOUS'],
  ['SESSION_SECRET', 'SESSION_SECRET_PREVIOUS'],
  ['IDENTITY_SECRET', 'IDENTITY_SECRET_PREVIOUS'],
] as const

/**
 * A previous value equal to the current one: the rotation was not made, whatever the operator
 * thinks. A previous value without a current one (IDENTITY_SECRET is optional) verifies nothing.
 */
function rotationProblems(s: Settings): string[] {
  return rotatingSecrets.flatMap(([name, previous]) => {
    if (s[previous] === undefined) return []
    if (s[previous] === s[name])
      return [
        problem(previous, `the same as ${name}: give ${name} the new value, and this the old one`),
      ]
    if (s[name] === undefined && name === 'IDENTITY_SECRET')
      return [problem(previous, `set only with ${name}, which signs now`)]
    return []
  })
}

/** The production configuration: every required variable set, every value valid. */
export function loadConfig(env: Env = process.env): Config {
  const missing = Object.entries(requiredSettings)
    .filter(([name]) => !env[name])
    .map(([name, { doc }]) => problem(name, `required: ${doc}`))
  const s = readSettings(env, missing)
  // readSettings has thrown unless every required variable is set: none of them is null here.
  return toConfig(s, take(requiredSettings, s) as Secrets)
}

/** The required settings as the config takes them; the demo passes made-up ones. */
export type Secrets = {
  [Name in keyof typeof requiredSettings as KeyOf<Name, (typeof requiredSettings)[Name]>]: Parsed<
    (typeof requiredSettings)[Name]
  >
}

export function toConfig(s: Settings, secrets: Secrets) {
  return {
    ...take(serverSettings, s),
    ...secrets,
    publicUrl: secrets.publicUrl.replace(/\/+$/, ''),
    /** Department id -> zChat tag ids given to its new interactions. */
    departmentTags: s.DEPARTMENT_TAGS ?? new Map<number, string[]>(),
    captcha:
      s.CAPTCHA_PROVIDER && s.CAPTCHA_SECRET
        ? {
            provider: s.CAPTCHA_PROVIDER,
            secret: s.CAPTCHA_SECRET,
            verifyUrl: s.CAPTCHA_VERIFY_URL ?? captchaVerifyUrls[s.CAPTCHA_PROVIDER],
            actions: s.CAPTCHA_ACTIONS,
          }
        : null,
    /** Where left messages go, and the secret they are signed with; null: the feature is off. */
    leaveMessage:
      s.LEAVE_MESSAGE_URL && s.LEAVE_MESSAGE_SECRET
        ? { url: s.LEAVE_MESSAGE_URL, secret: s.LEAVE_MESSAGE_SECRET }
        : null,
    /** Whether visitors may ask for their transcript by e-mail (delivered with left messages). */
    transcriptByEmail: s.TRANSCRIPT_BY_EMAIL,
    /** Whom to believe about the client's address (X-Forwarded-For), for rate limits. */
    trustProxy: parseTrustProxy(s.TRUST_PROXY),
    metrics: { token: s.METRICS_TOKEN ?? null, port: s.METRICS_PORT ?? null, host: s.METRICS_HOST },
    limits: toLimits(s),
  }
}

/** What the proxy runs with: the declarations above, taken by toConfig. */
export type Config = ReturnType<typeof toConfig>

/** The defaults, for tests and tools that build the app without an environment. */
export const defaultLimits: Limits = toLimits(readSettings({}))

function parseTrustProxy(value: string): false | number | string[] {
  if (value.trim().toLowerCase() === 'false') return false
  if (/^\d+$/.test(value)) return Number(value)
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
}
