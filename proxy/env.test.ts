import { describe, expect, it } from 'vitest'
import { loadDemoConfig } from '../demo/config.ts'
import {
  ConfigError,
  defaultLimits,
  type Env,
  loadConfig,
  optionalSettings,
  requiredSettings,
  type Setting,
} from './env.ts'

const real = {
  ZCHAT_TOKEN: 'tok',
  ZCHAT_WEBHOOK_SECRET: 'secret-secret-secret',
  SESSION_SECRET: 'x'.repeat(32),
  PUBLIC_URL: 'https://chat.example.com/',
  ALLOWED_ORIGINS: 'https://www.example.com, https://shop.example.com',
  ALLOWED_DEPARTMENTS: '1, 4',
}

function message(load: (env: Env) => unknown, env: Env): string {
  try {
    load(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  return 'no error'
}

describe('loadConfig (production)', () => {
  it('refuses to start without an account, naming every missing variable at once', () => {
    const text = message(loadConfig, {})
    for (const name of [
      'ZCHAT_TOKEN',
      'ZCHAT_WEBHOOK_SECRET',
      'SESSION_SECRET',
      'PUBLIC_URL',
      'ALLOWED_ORIGINS',
      'ALLOWED_DEPARTMENTS',
    ]) {
      expect(text).toMatch(new RegExp(`^  ${name}: required`, 'm'))
    }
    // A missing variable and a bad value are reported together.
    const both = message(loadConfig, { ...real, ZCHAT_TOKEN: '', PORT: 'eighty' })
    expect(both).toMatch(/ZCHAT_TOKEN: required/)
    expect(both).toMatch(/PORT:/)
  })

  it('reads a real account configuration', () => {
    const config = loadConfig(real)
    expect(config).toMatchObject({
      publicUrl: 'https://chat.example.com',
      zchatApiUrl: 'https://zchat.zenvia.io/core/api/v1',
      zchatToken: 'tok',
      allowedOrigins: ['https://www.example.com', 'https://shop.example.com'],
      allowedDepartments: [1, 4],
      limits: defaultLimits,
      metrics: { token: null, port: null, host: '127.0.0.1' },
    })
  })

  it('answers in the chat only unless told where else agents may answer', () => {
    expect(loadConfig(real).allowedChannels).toEqual(['web'])
    expect(
      loadConfig({ ...real, ALLOWED_CHANNELS: 'web, whatsapp,whatsapp' }).allowedChannels,
    ).toEqual(['web', 'whatsapp'])
    expect(message(loadConfig, { ...real, ALLOWED_CHANNELS: 'web,telegram' })).toMatch(
      /ALLOWED_CHANNELS/,
    )
    expect(message(loadConfig, { ...real, ALLOWED_CHANNELS: ' , ' })).toMatch(
      /ALLOWED_CHANNELS: at least one of web, whatsapp, sms/,
    )
  })

  it('reads every limit an operator tunes', () => {
    const config = loadConfig({
      ...real,
      RATE_LIMIT_PER_MINUTE: '100',
      STARTS_PER_MINUTE: '5',
      WEBHOOK_PER_MINUTE: '9000',
      MAX_STREAMS: '50',
      MAX_STREAMS_PER_CONVERSATION: '2',
      ENDED_RETENTION_MINUTES: '5',
      MAX_CONVERSATIONS: '1000',
      MAX_EVENTS_PER_CONVERSATION: '300',
      REQUEST_TIMEOUT_MS: '5000',
      HEADERS_TIMEOUT_MS: '20000',
      SHUTDOWN_TIMEOUT_MS: '2500',
    })
    expect(config.limits).toMatchObject({
      rateLimitPerMinute: 100,
      startsPerMinute: 5,
      webhookPerMinute: 9000,
      maxStreams: 50,
      maxStreamsPerConversation: 2,
      endedRetentionMs: 5 * 60_000,
      maxConversations: 1000,
      maxEventsPerConversation: 300,
      requestTimeoutMs: 5000,
      // Node wants the headers within the whole request's time.
      headersTimeoutMs: 5000,
      shutdownTimeoutMs: 2500,
    })
    expect(message(loadConfig, { ...real, MAX_STREAMS: '0' })).toMatch(/MAX_STREAMS:/)
    expect(message(loadConfig, { ...real, SHUTDOWN_TIMEOUT_MS: 'soon' })).toMatch(
      /SHUTDOWN_TIMEOUT_MS:/,
    )
  })

  it('reads every number setting into the config, and refuses it outside its bounds', () => {
    const before = JSON.stringify(loadConfig(real))
    const declared: Record<string, Setting> = optionalSettings
    const numbers = Object.entries(declared).flatMap(([name, setting]) =>
      setting.bounds ? [{ name, bounds: setting.bounds, fallback: setting.default }] : [],
    )
    expect(numbers.length).toBeGreaterThan(25)
    for (const { name, bounds, fallback } of numbers) {
      const [min, max] = bounds
      // Each declared number lands somewhere in the config: a setting nobody reads fails here.
      const other = String(fallback === String(min) ? max : min)
      expect(JSON.stringify(loadConfig({ ...real, [name]: other })), name).not.toBe(before)
      for (const bad of [String(min - 1), String(max + 1), `${min}.5`, 'many'])
        expect(message(loadConfig, { ...real, [name]: bad }), `${name}=${bad}`).toMatch(
          new RegExp(`^  ${name}: `, 'm'),
        )
    }
  })

  it('names each setting in the config in camelCase, durations in milliseconds', () => {
    const config = loadConfig({ ...real, MAX_STREAMS_PER_IP: '7', IDLE_RETENTION_MINUTES: '2' })
    expect(config.limits).toMatchObject({ maxStreamsPerIp: 7, idleRetentionMs: 2 * 60_000 })
    expect(config).toMatchObject({
      webhookSecret: real.ZCHAT_WEBHOOK_SECRET,
      sessionTtlMs: 24 * 60 * 60_000,
      zchatUpdateToken: null,
      historyTimeZone: 'America/Sao_Paulo',
    })
    expect(loadConfig({ ...real, SESSION_TTL_HOURS: '0.5' }).sessionTtlMs).toBe(30 * 60_000)
    expect(Object.keys(config.limits)).not.toContain('endedRetentionMinutes')
  })

  it('asks for each missing required variable with what it is for', () => {
    const text = message(loadConfig, {})
    for (const [name, { doc }] of Object.entries(requiredSettings))
      expect(text).toContain(`  ${name}: required: ${doc}`)
  })

  it('reads the upload settings: off, a size, the types it can recognise, the retention', () => {
    expect(defaultLimits).toMatchObject({
      uploadMaxBytes: 10 * 1024 * 1024,
      uploadsPerMinute: 20,
      mediaRetentionMs: 7 * 24 * 60 * 60_000,
    })
    expect(defaultLimits.uploadTypes).toContain('image/png')
    const config = loadConfig({
      ...real,
      UPLOAD_MAX_BYTES: '0',
      UPLOAD_TYPES: 'image/PNG, application/pdf,image/png, audio/x-m4a',
      UPLOADS_PER_MINUTE: '3',
      MEDIA_RETENTION_HOURS: '48',
      MEDIA_DIR: '/var/lib/chat-media',
    })
    expect(config.limits).toMatchObject({
      uploadMaxBytes: 0,
      uploadTypes: ['image/png', 'application/pdf', 'audio/mp4'],
      uploadsPerMinute: 3,
      mediaRetentionMs: 48 * 60 * 60_000,
    })
    expect(config.mediaDir).toBe('/var/lib/chat-media')
    // Types a browser would run, or that cannot be told by their content, are not accepted.
    for (const type of ['text/html', 'image/svg+xml', 'application/javascript', 'nonsense']) {
      expect(message(loadConfig, { ...real, UPLOAD_TYPES: `image/png,${type}` }), type).toMatch(
        new RegExp(
          `UPLOAD_TYPES.*: ${type.replace('+', '\\+')} is not a type the proxy recognises`,
        ),
      )
    }
    expect(message(loadConfig, { ...real, UPLOAD_TYPES: ' , ' })).toMatch(
      /UPLOAD_TYPES: at least one/,
    )
    expect(message(loadConfig, { ...real, UPLOAD_MAX_BYTES: '-1' })).toMatch(/UPLOAD_MAX_BYTES:/)
    expect(message(loadConfig, { ...real, MEDIA_RETENTION_HOURS: '0' })).toMatch(
      /MEDIA_RETENTION_HOURS:/,
    )
  })

  it('reads the CAPTCHA check, and wants its secret with the provider', () => {
    expect(loadConfig(real).captcha).toBeNull()
    expect(
      loadConfig({ ...real, CAPTCHA_PROVIDER: 'turnstile', CAPTCHA_SECRET: 'k' }).captcha,
    ).toEqual({
      provider: 'turnstile',
      secret: 'k',
      verifyUrl: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
      actions: ['start', 'leave-message'],
    })
    expect(
      loadConfig({
        ...real,
        CAPTCHA_PROVIDER: 'recaptcha',
        CAPTCHA_SECRET: 'k',
        CAPTCHA_ACTIONS: 'leave-message',
      }).captcha,
    ).toEqual({
      provider: 'recaptcha',
      secret: 'k',
      verifyUrl: 'https://www.google.com/recaptcha/api/siteverify',
      actions: ['leave-message'],
    })
    expect(
      message(loadConfig, {
        ...real,
        CAPTCHA_PROVIDER: 'turnstile',
        CAPTCHA_SECRET: 'k',
        CAPTCHA_ACTIONS: 'rate',
      }),
    ).toMatch(/CAPTCHA_ACTIONS/)
    expect(message(loadConfig, { ...real, CAPTCHA_PROVIDER: 'hcaptcha' })).toMatch(
      /CAPTCHA_SECRET: required when CAPTCHA_PROVIDER is set/,
    )
    // A secret without a provider would turn the check off without a word: refused.
    expect(message(loadConfig, { ...real, CAPTCHA_SECRET: 'k' })).toMatch(
      /CAPTCHA_PROVIDER: required with CAPTCHA_SECRET/,
    )
    expect(message(loadConfig, { ...real, CAPTCHA_PROVIDER: 'friendlycaptcha' })).toMatch(
      /CAPTCHA_PROVIDER/,
    )
    expect(
      loadConfig({ ...real, STARTS_PER_MINUTE_GLOBAL: '50' }).limits.startsPerMinuteGlobal,
    ).toBe(50)
  })

  it('refuses whom to trust when it is not a hop count or addresses', () => {
    for (const bad of [
      'True',
      ' TRUE ',
      'loadbalancer',
      '10.0.0.0/33',
      '10.0.0.1/8/1',
      '300.1.1.1',
    ]) {
      expect(message(loadConfig, { ...real, TRUST_PROXY: bad }), bad).toMatch(/TRUST_PROXY:/)
    }
    expect(loadConfig({ ...real, TRUST_PROXY: '10.0.0.0/8, ::1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
    ])
  })

  it('refuses upload types a browser could run', () => {
    for (const type of ['image/svg+xml', 'text/html', 'application/xml']) {
      expect(message(loadConfig, { ...real, UPLOAD_TYPES: `image/png,${type}` }), type).toMatch(
        /UPLOAD_TYPES/,
      )
    }
  })

  it('reads whom to trust for the client address', () => {
    expect(loadConfig({ ...real }).trustProxy).toBe(false)
    expect(message(loadConfig, { ...real, TRUST_PROXY: 'true' })).toMatch(
      /TRUST_PROXY: 'true' would believe any X-Forwarded-For/,
    )
    expect(loadConfig({ ...real, TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ ...real, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ])
  })

  it('reads the identity secret and the tags each department gives its interactions', () => {
    const config = loadConfig({
      ...real,
      IDENTITY_SECRET: 'i'.repeat(32),
      DEPARTMENT_TAGS: '1:10|11, 2 : 20,3:a-1|a-1',
    })
    expect(config.identitySecret).toBe('i'.repeat(32))
    expect(config.departmentTags).toEqual(
      new Map([
        [1, ['10', '11']],
        [2, ['20']],
        [3, ['a-1']],
      ]),
    )
    expect(loadConfig(real)).toMatchObject({ identitySecret: null, departmentTags: new Map() })
    expect(message(loadConfig, { ...real, IDENTITY_SECRET: 'short' })).toMatch(
      /IDENTITY_SECRET: at least 32 characters/,
    )
    // A signed identity lives minutes: ten by default, an hour at most.
    expect(loadConfig(real).identityMaxAgeSeconds).toBe(600)
    expect(loadConfig({ ...real, IDENTITY_MAX_AGE_SECONDS: '120' }).identityMaxAgeSeconds).toBe(120)
    for (const bad of ['86400', '30', '1.5'])
      expect(message(loadConfig, { ...real, IDENTITY_MAX_AGE_SECONDS: bad }), bad).toMatch(
        /IDENTITY_MAX_AGE_SECONDS: /,
      )
    for (const bad of ['1', '1:', 'one:10', '0:10', '1:10,,2', '1:10 11'])
      expect(message(loadConfig, { ...real, DEPARTMENT_TAGS: bad }), bad).toMatch(
        /DEPARTMENT_TAGS: .*department:tag\|tag/,
      )
  })

  it('reads where left messages go, and wants their secret with the URL', () => {
    expect(loadConfig({ ...real }).leaveMessage).toBeNull()
    const site = { LEAVE_MESSAGE_URL: 'https://www.example.com/hooks/chat' }
    const secret = 's'.repeat(32)
    expect(loadConfig({ ...real, ...site, LEAVE_MESSAGE_SECRET: secret }).leaveMessage).toEqual({
      url: 'https://www.example.com/hooks/chat',
      secret,
    })
    expect(message(loadConfig, { ...real, ...site })).toMatch(
      /LEAVE_MESSAGE_SECRET: required when LEAVE_MESSAGE_URL is set/,
    )
    expect(message(loadConfig, { ...real, ...site, LEAVE_MESSAGE_SECRET: 'short' })).toMatch(
      /LEAVE_MESSAGE_SECRET: at least 32 characters/,
    )
    expect(message(loadConfig, { ...real, LEAVE_MESSAGE_URL: 'ftp://x.example' })).toMatch(
      /LEAVE_MESSAGE_URL/,
    )
    expect(loadConfig({ ...real }).limits).toMatchObject({
      leaveMessagePerMinute: 5,
      leaveMessageMaxPending: 1000,
    })
    expect(
      loadConfig({ ...real, LEAVE_MESSAGE_PER_MINUTE: '2', LEAVE_MESSAGE_MAX_PENDING: '10' })
        .limits,
    ).toMatchObject({ leaveMessagePerMinute: 2, leaveMessageMaxPending: 10 })
  })

  it('takes transcripts by e-mail only with somewhere to deliver them, and an admin token only long', () => {
    const site = { LEAVE_MESSAGE_URL: 'https://www.example.com/hooks/chat' }
    const delivered = { ...real, ...site, LEAVE_MESSAGE_SECRET: 's'.repeat(32) }
    expect(loadConfig({ ...real }).transcriptByEmail).toBe(false)
    expect(loadConfig({ ...delivered, TRANSCRIPT_BY_EMAIL: 'true' }).transcriptByEmail).toBe(true)
    expect(message(loadConfig, { ...real, TRANSCRIPT_BY_EMAIL: 'true' })).toMatch(
      /LEAVE_MESSAGE_URL: required when TRANSCRIPT_BY_EMAIL is true/,
    )
    expect(message(loadConfig, { ...delivered, TRANSCRIPT_BY_EMAIL: 'yes' })).toMatch(
      /TRANSCRIPT_BY_EMAIL/,
    )
    expect(loadConfig({ ...real }).adminToken).toBeNull()
    expect(loadConfig({ ...real, ADMIN_TOKEN: 'a'.repeat(32) }).adminToken).toBe('a'.repeat(32))
    expect(message(loadConfig, { ...real, ADMIN_TOKEN: 'short' })).toMatch(
      /ADMIN_TOKEN: at least 32 characters/,
    )
  })

  it('names the variable and what was expected', () => {
    expect(message(loadConfig, { ...real, PORT: 'eighty' })).toMatch(/PORT:/)
    expect(message(loadConfig, { ...real, SESSION_SECRET: 'short' })).toMatch(
      /SESSION_SECRET: at least 32 characters/,
    )
    expect(message(loadConfig, { ...real, ALLOWED_ORIGINS: 'https://a.example/path' })).toMatch(
      /ALLOWED_ORIGINS/,
    )
    expect(message(loadConfig, { ...real, ALLOWED_DEPARTMENTS: '1,two' })).toMatch(
      /ALLOWED_DEPARTMENTS/,
    )
    expect(message(loadConfig, { ...real, REDIS_URL: 'http://127.0.0.1:6379' })).toMatch(
      /REDIS_URL/,
    )
  })

  it("takes each signing secret's previous value, for a rotation, and refuses one that is the current value", () => {
    const old = 'o'.repeat(32)
    expect(loadConfig(real)).toMatchObject({
      sessionSecretPrevious: null,
      webhookSecretPrevious: null,
    })
    expect(
      loadConfig({ ...real, ZCHAT_WEBHOOK_SECRET_PREVIOUS: 'old-webhook-secret' }),
    ).toMatchObject({ webhookSecretPrevious: 'old-webhook-secret' })
    expect(
      message(loadConfig, { ...real, ZCHAT_WEBHOOK_SECRET_PREVIOUS: 'old/secret/path' }),
    ).toMatch(/^ {2}ZCHAT_WEBHOOK_SECRET_PREVIOUS: letters, digits/m)
    expect(
      message(loadConfig, { ...real, ZCHAT_WEBHOOK_SECRET_PREVIOUS: real.ZCHAT_WEBHOOK_SECRET }),
    ).toMatch(/^ {2}ZCHAT_WEBHOOK_SECRET_PREVIOUS: the same as ZCHAT_WEBHOOK_SECRET/m)
    const identity = { IDENTITY_SECRET: 'i'.repeat(32), IDENTITY_SECRET_PREVIOUS: old }
    expect(loadConfig({ ...real, ...identity })).toMatchObject({
      identitySecret: 'i'.repeat(32),
      identitySecretPrevious: old,
    })
    expect(message(loadConfig, { ...real, IDENTITY_SECRET_PREVIOUS: old })).toMatch(
      /^ {2}IDENTITY_SECRET_PREVIOUS: set only with IDENTITY_SECRET/m,
    )
    expect(loadConfig({ ...real, SESSION_SECRET_PREVIOUS: old })).toMatchObject({
      sessionSecret: real.SESSION_SECRET,
      sessionSecretPrevious: old,
    })
    expect(message(loadConfig, { ...real, SESSION_SECRET_PREVIOUS: 'short' })).toMatch(
      /^ {2}SESSION_SECRET_PREVIOUS: at least 32 characters/m,
    )
    expect(message(loadConfig, { ...real, SESSION_SECRET_PREVIOUS: real.SESSION_SECRET })).toMatch(
      /^ {2}SESSION_SECRET_PREVIOUS: the same as SESSION_SECRET/m,
    )
  })

  it('lets visitors into the listed departments, or every one only when told so with *', () => {
    const { ALLOWED_DEPARTMENTS: _, ...withoutDepartments } = real
    // Unset used to mean every department of the account, its internal and VIP queues too.
    expect(message(loadConfig, withoutDepartments)).toMatch(
      /^ {2}ALLOWED_DEPARTMENTS: required: .*or `\*` for every department/m,
    )
    expect(loadConfig({ ...real, ALLOWED_DEPARTMENTS: '*' }).allowedDepartments).toBeNull()
    expect(loadConfig({ ...real, ALLOWED_DEPARTMENTS: '3' }).allowedDepartments).toEqual([3])
    for (const bad of [',', '0', '1,*', 'all'])
      expect(message(loadConfig, { ...real, ALLOWED_DEPARTMENTS: bad }), bad).toMatch(
        /^ {2}ALLOWED_DEPARTMENTS: ".*" is not a comma list of department ids/m,
      )
  })

  it('takes REDIS_URL (redis:// or rediss://) to share state between instances', () => {
    expect(loadConfig({ ...real, REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe(
      'redis://127.0.0.1:6379',
    )
    expect(loadConfig(real).redisUrl).toBeNull()
  })
})

describe('loadDemoConfig', () => {
  it('runs with nothing set, with made-up secrets, on loopback', () => {
    const config = loadDemoConfig({})
    expect(config.proxy.port).toBe(8787)
    expect(config.proxy.host).toBe('127.0.0.1')
    expect(config.proxy.sessionSecret.length).toBeGreaterThanOrEqual(32)
    // The emulator's departments, and no other.
    expect(config.proxy.allowedDepartments).toEqual([1, 2, 3])
    expect(loadDemoConfig({ ALLOWED_DEPARTMENTS: '2' }).proxy.allowedDepartments).toEqual([2])
    expect(config.warning).toBeNull()
    expect(loadDemoConfig({ HOST: '::1' }).warning).toBeNull()
    expect(loadDemoConfig({ HOST: 'localhost' }).warning).toBeNull()
  })

  it('refuses a non-loopback HOST: the agent console would be open to the network', () => {
    for (const host of ['0.0.0.0', '192.0.2.10', '::', 'chat.example.com']) {
      expect(message(loadDemoConfig, { HOST: host })).toMatch(
        /HOST: the demo listens on loopback only.*DEMO_ALLOW_REMOTE=1/,
      )
    }
  })

  it('takes a non-loopback HOST only when told explicitly, and then warns', () => {
    const config = loadDemoConfig({ HOST: '0.0.0.0', DEMO_ALLOW_REMOTE: '1' })
    expect(config.proxy.host).toBe('0.0.0.0')
    expect(config.warning).toMatch(/WARNING.*0\.0\.0\.0.*answer as an agent/)
    expect(message(loadDemoConfig, { DEMO_ALLOW_REMOTE: 'yes please' })).toMatch(
      /DEMO_ALLOW_REMOTE/,
    )
  })
})

describe('HISTORY_RETENTION_DAYS', () => {
  it('keeps transcripts 30 days unless told, in whole days from 1', () => {
    expect(defaultLimits.historyRetentionMs).toBe(30 * 24 * 60 * 60_000)
    expect(loadConfig({ ...real, HISTORY_RETENTION_DAYS: '7' }).limits.historyRetentionMs).toBe(
      7 * 24 * 60 * 60_000,
    )
    for (const bad of ['0', '1.5', 'a month'])
      expect(message(loadConfig, { ...real, HISTORY_RETENTION_DAYS: bad })).toMatch(
        /HISTORY_RETENTION_DAYS:/,
      )
  })
})
