/**
 * What the check runs with: the proxy's own settings, read from the environment with the proxy's
 * rules (proxy/env.ts; settings.test.ts holds the two readings together), plus what only the check
 * needs: a test department, tag ids and how long to wait for zChat. Flags win over variables.
 *
 * Only the variables the check uses are read, so it runs before SESSION_SECRET or ALLOWED_ORIGINS
 * are chosen. A bad value stops it with the variable's name and what was expected.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { isTimeZone } from '../../proxy/env.ts'

export type CheckSettings = {
  apiUrl: string
  token: string
  /** The update call's token (ZCHAT_UPDATE_TOKEN), or the API token. */
  updateToken: string
  /** Whether ZCHAT_UPDATE_TOKEN was given: which variable an update refusal points to. */
  separateUpdateToken: boolean
  webhookSecret: string
  /** No trailing slash, as the proxy keeps it. */
  publicUrl: string
  host: string
  port: number
  timeoutMs: number
  historyTimeZone: string
  department: number
  tagIds: string[]
  waitMs: number
  json: boolean
}

export class SettingsError extends Error {
  override name = 'SettingsError'
}

export const usage = `Usage: npm run zchat:check -- [--department <id>] [--tags <id,id>] [--wait <seconds>] [--json]

Checks, once, what the proxy assumes about zChat against your account. Run it where the proxy runs,
with the proxy's settings, while the proxy is stopped: it answers at PUBLIC_URL in the proxy's place.

  --department <id>  a zChat department to test with (ZCHAT_CHECK_DEPARTMENT; default: the only
                     one of ALLOWED_DEPARTMENTS). Pick a test department: its agents see the check.
  --tags <id,id>     tag ids to set with the update call (ZCHAT_CHECK_TAGS), e.g. your DEPARTMENT_TAGS
  --wait <seconds>   how long to wait for each trigger and the history fetch (ZCHAT_CHECK_WAIT_SECONDS,
                     default 20)
  --json             the report as JSON, for a support ticket

Reads ZCHAT_API_URL, ZCHAT_TOKEN, ZCHAT_UPDATE_TOKEN, ZCHAT_WEBHOOK_SECRET, PUBLIC_URL, HOST, PORT,
ZCHAT_TIMEOUT_MS and HISTORY_TIME_ZONE as the proxy does. Exit status: 0 when every row matches,
1 when one does not, 2 for a bad setting or when HOST:PORT cannot be listened on.`

const httpUrl = z.url({ protocol: /^https?$/ })
const commaList = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)

// The same rules as proxy/env.ts for the variables both read.
const envSchema = z.object({
  ZCHAT_API_URL: httpUrl.default('https://zchat.zenvia.io/core/api/v1'),
  ZCHAT_TOKEN: z.string().min(1),
  ZCHAT_UPDATE_TOKEN: z.string().min(1).optional(),
  ZCHAT_WEBHOOK_SECRET: z
    .string()
    .min(16, 'at least 16 characters')
    .regex(/^[\w-]+$/, 'letters, digits, _ and - only'),
  PUBLIC_URL: httpUrl,
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  ZCHAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  HISTORY_TIME_ZONE: z
    .string()
    .refine(isTimeZone, 'an IANA time zone, such as America/Sao_Paulo or UTC')
    .default('America/Sao_Paulo'),
  // `*`: every department, as the proxy takes it (null: no one department to default to).
  ALLOWED_DEPARTMENTS: z
    .string()
    .transform((value) => (value.trim() === '*' ? null : commaList(value)))
    .pipe(
      z.array(z.coerce.number<string>().int().positive()).min(1, 'department ids, or *').nullable(),
    )
    .optional(),
  ZCHAT_CHECK_DEPARTMENT: z.coerce.number().int().positive('a zChat department id').optional(),
  ZCHAT_CHECK_TAGS: z
    .string()
    .transform(commaList)
    .pipe(z.array(z.string().regex(/^[\w-]+$/, 'tag ids: letters, digits, _ and - only')))
    .optional(),
  ZCHAT_CHECK_WAIT_SECONDS: z.coerce
    .number()
    .positive('more than 0 seconds')
    .max(600, 'at most 600 seconds')
    .default(20),
})

const required: Record<string, string> = {
  ZCHAT_TOKEN: 'the zChat API token (zChat > Settings > Integrations > API)',
  ZCHAT_WEBHOOK_SECRET: 'the secret path of the webhook URL (16+ letters, digits, _ or -)',
  PUBLIC_URL: "the proxy's public URL, which zChat reaches",
}

/** Flags, as variables: one set of rules and one way to name a bad value. */
const flagNames = {
  department: 'ZCHAT_CHECK_DEPARTMENT',
  tags: 'ZCHAT_CHECK_TAGS',
  wait: 'ZCHAT_CHECK_WAIT_SECONDS',
} as const
const flagOf = Object.fromEntries(Object.entries(flagNames).map(([flag, name]) => [name, flag]))
const named = (name: string) => (flagOf[name] ? `${name} (--${flagOf[name]})` : name)

/** `--help` was asked for: the caller prints `usage`. */
export class HelpWanted extends Error {}

export function readSettings(
  env: Record<string, string | undefined>,
  argv: readonly string[],
): CheckSettings {
  let flags: ReturnType<typeof parse>
  try {
    flags = parse(argv)
  } catch (error) {
    throw new SettingsError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`)
  }
  if (flags.help) throw new HelpWanted()
  // An empty variable (`FOO=` in a .env file) means "not set", as the proxy reads it.
  const given: Record<string, string> = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1])),
  )
  for (const [flag, name] of Object.entries(flagNames)) {
    const value = flags[flag as keyof typeof flagNames]
    if (value !== undefined) given[name] = value
  }
  const lines = Object.entries(required)
    .filter(([name]) => !given[name])
    .map(([name, what]) => `  ${name}: required: ${what}`)
  const parsed = envSchema.safeParse(given)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0])
      if (!(name in required && !given[name])) lines.push(`  ${named(name)}: ${issue.message}`)
    }
  }
  const s = parsed.data
  const onlyDepartment = s?.ALLOWED_DEPARTMENTS?.length === 1 ? s.ALLOWED_DEPARTMENTS[0] : undefined
  const department = s?.ZCHAT_CHECK_DEPARTMENT ?? onlyDepartment
  if (s && department === undefined) {
    lines.push(
      `  ${named('ZCHAT_CHECK_DEPARTMENT')}: required: the id of a zChat department to test with (its agents see the check's messages)`,
    )
  }
  if (!s || department === undefined || lines.length > 0)
    throw new SettingsError(`Invalid configuration:\n${lines.join('\n')}`)
  return {
    apiUrl: s.ZCHAT_API_URL,
    token: s.ZCHAT_TOKEN,
    updateToken: s.ZCHAT_UPDATE_TOKEN ?? s.ZCHAT_TOKEN,
    separateUpdateToken: s.ZCHAT_UPDATE_TOKEN !== undefined,
    webhookSecret: s.ZCHAT_WEBHOOK_SECRET,
    publicUrl: s.PUBLIC_URL.replace(/\/+$/, ''),
    host: s.HOST,
    port: s.PORT,
    timeoutMs: s.ZCHAT_TIMEOUT_MS,
    historyTimeZone: s.HISTORY_TIME_ZONE,
    department,
    tagIds: s.ZCHAT_CHECK_TAGS ?? [],
    waitMs: Math.round(s.ZCHAT_CHECK_WAIT_SECONDS * 1000),
    json: flags.json ?? false,
  }
}

function parse(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      department: { type: 'string' },
      tags: { type: 'string' },
      wait: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  return values
}

/** What the report may show of the webhook URL: the secret's first characters and its length. */
export function maskedWebhookUrl(settings: Pick<CheckSettings, 'publicUrl' | 'webhookSecret'>) {
  const secret = settings.webhookSecret
  return `${settings.publicUrl}/webhooks/zchat/${secret.slice(0, 3)}…(${secret.length} characters)`
}

/** The strings no output may contain. */
export function secretsOf(settings: CheckSettings): string[] {
  return [settings.token, settings.updateToken, settings.webhookSecret]
}
