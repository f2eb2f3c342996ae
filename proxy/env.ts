/**
 * Configuration, parsed once at start-up. A bad value stops the process with the variable's name
 * and what was expected.
 *
 * Without ZCHAT_TOKEN the proxy runs in emulator mode: it starts the zChat emulator in-process and
 * makes up the secrets it needs, so `npm start` works on a fresh clone with nothing to configure.
 */
import { randomBytes } from 'node:crypto'
import { z } from 'zod'

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

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  ZCHAT_API_URL: z.url({ protocol: /^https?$/ }).default('https://zchat.zenvia.io/core/api/v1'),
  ZCHAT_TOKEN: z.string().min(1).optional(),
  ZCHAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
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
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  MEDIA_DIR: z.string().min(1).default('.media'),
  DEMO_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  /** 'true', a hop count, or a comma list of load-balancer addresses/CIDRs. */
  TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|\d{1,2}|[\w.:/,\s-]+)$/,
      "'true', 'false', a hop count or a comma list of addresses",
    )
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type Config = {
  mode: 'zchat' | 'emulator'
  port: number
  host: string
  publicUrl: string
  zchatApiUrl: string
  zchatToken: string
  zchatTimeoutMs: number
  webhookSecret: string
  sessionSecret: string
  sessionTtlMs: number
  /** '*' allows any site to embed the widget; null (emulator mode only) means the demo website. */
  allowedOrigins: '*' | string[] | null
  allowedDepartments: number[] | null
  redisUrl: string | null
  mediaDir: string
  demoPort: number
  emulatorPort: number
  logLevel: z.infer<typeof schema>['LOG_LEVEL']
  /** Whom to believe about the client's address (X-Forwarded-For), for rate limits. */
  trustProxy: boolean | number | string[]
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const mode = e.ZCHAT_TOKEN ? 'zchat' : 'emulator'
  if (mode === 'zchat') {
    const missing = (
      ['ZCHAT_WEBHOOK_SECRET', 'SESSION_SECRET', 'PUBLIC_URL', 'ALLOWED_ORIGINS'] as const
    ).filter((name) => e[name] === undefined)
    if (missing.length > 0) {
      throw new ConfigError(
        `Invalid configuration:\n${missing.map((name) => `  ${name}: required when ZCHAT_TOKEN is set`).join('\n')}`,
      )
    }
  }
  if (e.REDIS_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_URL: the Redis event log is not available in this version; unset it to run one process',
    )
  }
  const secret = () => randomBytes(32).toString('base64url')
  return {
    mode,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    zchatApiUrl: e.ZCHAT_API_URL,
    zchatToken: e.ZCHAT_TOKEN ?? secret(),
    zchatTimeoutMs: e.ZCHAT_TIMEOUT_MS,
    webhookSecret: e.ZCHAT_WEBHOOK_SECRET ?? secret(),
    sessionSecret: e.SESSION_SECRET ?? secret(),
    sessionTtlMs: e.SESSION_TTL_HOURS * 60 * 60 * 1000,
    allowedOrigins: e.ALLOWED_ORIGINS ?? null,
    allowedDepartments: e.ALLOWED_DEPARTMENTS ?? null,
    redisUrl: e.REDIS_URL ?? null,
    mediaDir: e.MEDIA_DIR,
    demoPort: e.DEMO_PORT,
    emulatorPort: e.EMULATOR_PORT,
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
  }
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  if (/^\d+$/.test(value)) return Number(value)
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
}
