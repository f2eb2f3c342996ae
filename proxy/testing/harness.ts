/**
 * Test helpers shared by the proxy's suites: a proxy wired to a real emulator over real HTTP, and
 * an SSE reader. No mocks: zChat is the emulator, webhooks travel over loopback.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import { type Emulator, startEmulator } from '../../emulator/server.ts'
import { createSseParser } from '../../protocol/sse.ts'
import { type LoggedEvent, routes } from '../../protocol/wire.ts'
import { buildApp } from '../app.ts'
import type { CaptchaSettings } from '../captcha.ts'
import { type Config, defaultLimits, type Limits } from '../env.ts'
import { createMemoryLog, type MemoryLog } from '../events/memory.ts'
import { processAllowance, uploadCaps } from '../media/allowance.ts'
import { createMediaStore, type MediaStore } from '../media/store.ts'
import type { Deliveries } from '../messages-left/delivery.ts'
import { createMetrics, type Metrics } from '../metrics.ts'
import { type Running, startProxy } from '../server.ts'
import { createStreams } from '../streams.ts'
import { createMemoryTranscripts, type MemoryTranscripts } from '../transcripts/memory.ts'
import { createVisitors } from '../visitors.ts'
import { createZChatClient } from '../zchat/client.ts'

export const testToken = 'test-zchat-token'
export const webhookSecret = 'test-webhook-secret-0123456789'
const sessionSecret = 'test-session-secret-0123456789abcdef'
export const siteOrigin = 'http://site.example'

export type Harness = {
  app: FastifyInstance
  url: string
  emulator: Emulator
  /** A fresh temporary MEDIA_DIR, removed by close(); it outlives restart(), as a volume would. */
  mediaDir: string
  media: MediaStore
  metrics: Metrics
  /** The app's event log and transcripts (new ones with each restart, as a process's memory). */
  log: MemoryLog
  transcripts: MemoryTranscripts
  /** Replaces the app with a new one on the same port, with an empty log and the same secrets. */
  restart(): Promise<void>
  close(): Promise<void>
}

export async function startHarness(
  options: {
    widgetDir?: string
    limits?: Partial<Limits>
    sessionTtlMs?: number
    identitySecret?: string
    departmentTags?: Config['departmentTags']
    allowedDepartments?: number[]
    allowedChannels?: Config['allowedChannels']
    messagesLeft?: Deliveries
    /** Ended chats' transcripts by e-mail, delivered with `messagesLeft`. */
    transcriptByEmail?: boolean
    captcha?: CaptchaSettings
    /** The media store's clock, to expire files without waiting. */
    now?: () => number
    /** The event log's and the transcripts' clock: moved on (then `log.sweep()`), the log forgets. */
    storeNow?: () => number
  } = {},
): Promise<Harness> {
  const limits: Limits = {
    ...defaultLimits,
    zchatTimeoutMs: 2000,
    rateLimitPerMinute: 10_000,
    startsPerMinute: 10_000,
    startsPerMinuteGlobal: 10_000,
    ...options.limits,
  }
  const emulator = await startEmulator({ token: testToken })
  const mediaDir = mkdtempSync(join(tmpdir(), 'zchat-media-'))
  const metrics = createMetrics()
  const media = createMediaStore({
    dir: mediaDir,
    maxBytes: limits.uploadMaxBytes,
    types: limits.uploadTypes,
    retentionMs: limits.mediaRetentionMs,
    unsentMs: limits.mediaUnsentMs,
    quotaBytes: limits.mediaQuotaBytes,
    allowance: processAllowance(
      uploadCaps(limits, options.sessionTtlMs ?? 60 * 60 * 1000),
      options.now,
    ),
    onRemove: metrics.countMediaRemoved,
    ...(options.now && { now: options.now }),
  })
  let url = ''
  const clock = options.storeNow && { now: options.storeNow }
  let log: MemoryLog
  let transcripts: MemoryTranscripts
  // A new app with a new, empty log each time: what a restart of the proxy process looks like.
  const build = () => {
    log = createMemoryLog({
      maxConversations: limits.maxConversations,
      maxEventsPerConversation: limits.maxEventsPerConversation,
      maxBytesPerConversation: limits.maxBytesPerConversation,
      unopenedMaxConversations: limits.unopenedMaxConversations,
      unopenedMaxBytes: limits.unopenedMaxBytes,
      maxBytes: limits.eventLogMaxBytes,
      onEvict: metrics.countEviction,
      endedRetentionMs: limits.endedRetentionMs,
      idleRetentionMs: limits.idleRetentionMs,
      ...clock,
    })
    transcripts = createMemoryTranscripts({ retentionMs: limits.historyRetentionMs, ...clock })
    return buildApp({
      zchat: createZChatClient({
        apiUrl: emulator.apiUrl,
        token: testToken,
        timeoutMs: limits.zchatTimeoutMs,
        onCall: metrics.countZChatCall,
      }),
      log,
      transcripts,
      streams: createStreams(limits),
      media,
      metrics,
      visitors: createVisitors(sessionSecret, options.sessionTtlMs ?? 60 * 60 * 1000),
      webhookSecret,
      sessionSecret,
      publicUrl: () => url,
      allowedOrigins: [siteOrigin],
      allowedDepartments: options.allowedDepartments ?? null,
      ...(options.allowedChannels && { allowedChannels: options.allowedChannels }),
      identitySecret: options.identitySecret ?? null,
      captcha: options.captcha ?? null,
      ...(options.departmentTags && { departmentTags: options.departmentTags }),
      widgetDir: options.widgetDir ?? '/nonexistent',
      limits,
      messagesLeft: options.messagesLeft ?? null,
      transcriptByEmail: options.transcriptByEmail ?? false,
    })
  }
  const app = await build()
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  url = `http://127.0.0.1:${port}`
  emulator.setWebhookUrl(`${url}/webhooks/zchat/${webhookSecret}`)
  const harness: Harness = {
    app,
    url,
    emulator,
    mediaDir,
    media,
    metrics,
    log: log!,
    transcripts: transcripts!,
    async restart() {
      await harness.app.close()
      await harness.log.close()
      await harness.transcripts.close()
      // Let this process's fetch pool notice the sockets the old server closed; otherwise the next
      // call may go out on one of them and fail (a browser would just retry, as the widget does).
      await new Promise((resolve) => setTimeout(resolve, 100))
      harness.app = await build()
      harness.log = log
      harness.transcripts = transcripts
      await harness.app.listen({ port, host: '127.0.0.1' })
    },
    async close() {
      await harness.app.close()
      await harness.log.close()
      await harness.transcripts.close()
      await emulator.close()
      media.close()
      rmSync(mediaDir, { recursive: true, force: true })
    },
  }
  return harness
}

/** Calls the emulator's control API as the agent console would. */
export async function agent(emulator: Emulator, hash: string, action: string, body: object = {}) {
  const response = await fetch(
    `${emulator.url}/control/interactions/${encodeURIComponent(hash)}/${action}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  )
  if (!response.ok)
    throw new Error(`agent ${action} failed: ${response.status} ${await response.text()}`)
  return response.json()
}

export type InteractionView = {
  hash: string
  state: string
  departmentId: number
  mediaType: string
  mood: string | null
  note: string | null
  customer: Record<string, unknown> | null
  tagIds: string[]
  customerKey: string | null
  extra: Record<string, unknown> | null
  messages: Array<{ direction: string; content: string; type: string | null; url: string | null }>
}

export async function interaction(emulator: Emulator, hash: string): Promise<InteractionView> {
  const response = await fetch(`${emulator.url}/control/interactions/${encodeURIComponent(hash)}`)
  return (await response.json()) as InteractionView
}

/** Opens an event stream and collects events until `until` holds, or fails after `timeoutMs`. */
export async function readEvents(
  url: string,
  headers: Record<string, string>,
  until: (events: LoggedEvent[], comments: string[]) => boolean,
  timeoutMs = 5000,
): Promise<{ events: LoggedEvent[]; comments: string[]; status: number }> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  const events: LoggedEvent[] = []
  const comments: string[] = []
  try {
    const response = await fetch(url, { headers, signal: controller.signal })
    if (!response.ok || !response.body) return { events, comments, status: response.status }
    // The widget's own parser (protocol/sse.ts): the tests read the stream as the widget does.
    const parser = createSseParser(
      (message) => events.push(JSON.parse(message.data) as LoggedEvent),
      { onComment: (comment) => comments.push(comment.trim()) },
    )
    const decoder = new TextDecoder()
    for await (const chunk of response.body) {
      parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))
      if (until(events, comments)) break
    }
    return { events, comments, status: response.status }
  } catch (error) {
    if (controller.signal.aborted)
      throw new Error(
        `timed out waiting for events; got ${events.length}: ${JSON.stringify(events).slice(0, 600)}`,
      )
    throw error
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
}

/** A complete production config for tests, with the test secrets; `overrides` win. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'http://127.0.0.1',
    zchatApiUrl: 'http://127.0.0.1:9/core/api/v1',
    zchatToken: testToken,
    zchatUpdateToken: null,
    historyTimeZone: 'UTC',
    webhookSecret,
    webhookSecretPrevious: null,
    sessionSecret,
    sessionSecretPrevious: null,
    sessionTtlMs: 60 * 60 * 1000,
    allowedOrigins: [siteOrigin],
    allowedDepartments: null,
    allowedChannels: ['web'],
    identitySecret: null,
    identityMaxAgeSeconds: 600,
    identitySecretPrevious: null,
    adminToken: null,
    captcha: null,
    departmentTags: new Map(),
    leaveMessage: null,
    transcriptByEmail: false,
    // Never the working directory's .media: production starts create the folder.
    mediaDir: join(tmpdir(), 'zchat-proxy-test-media'),
    // A test that looks at dead letters gives a folder of its own.
    deadLetterDir: join(tmpdir(), 'zchat-proxy-test-dead-letters'),
    redisUrl: null,
    logLevel: 'silent',
    trustProxy: false,
    metrics: { token: null, port: null, host: '127.0.0.1' },
    limits: defaultLimits,
    ...overrides,
  }
}

export type ProductionHarness = { proxy: Running; emulator: Emulator; close(): Promise<void> }

/**
 * The proxy as production starts it (startProxy: its logger, metrics and listeners) from a config,
 * against an emulator whose triggers come back over loopback.
 */
export async function startProduction(
  options: {
    metrics?: Partial<Config['metrics']>
    limits?: Partial<Limits>
    logDestination?: DestinationStream
    leaveMessage?: Config['leaveMessage']
    /** A folder of the test's own, when it looks at the dead letters. */
    deadLetterDir?: string
  } = {},
): Promise<ProductionHarness> {
  const emulator = await startEmulator({ token: testToken })
  const config = testConfig({
    zchatApiUrl: emulator.apiUrl,
    logLevel: 'info',
    metrics: { token: null, port: null, host: '127.0.0.1', ...options.metrics },
    leaveMessage: options.leaveMessage ?? null,
    ...(options.deadLetterDir && { deadLetterDir: options.deadLetterDir }),
    limits: {
      ...defaultLimits,
      zchatTimeoutMs: 2000,
      // Node's fetch sometimes opens a spare connection after a stream is aborted and never sends
      // on it; the drain would wait for it until the client gives up (about 4 s).
      shutdownTimeoutMs: 500,
      ...options.limits,
    },
  })
  const proxy = await startProxy(config, {
    widgetDir: '/nonexistent',
    publicUrlFromAddress: true,
    ...(options.logDestination ? { logDestination: options.logDestination } : { logger: false }),
  })
  emulator.setWebhookUrl(`${proxy.url}/webhooks/zchat/${webhookSecret}`)
  return {
    proxy,
    emulator,
    async close() {
      // As on SIGTERM: a stream a failed test left open is ended, not waited for.
      await proxy.drain()
      await emulator.close()
    },
  }
}

/** The site's visitor asking `url` to start a conversation: the answer as it comes, refusals too. */
export function postStart(url: string, headers: Record<string, string> = {}) {
  return fetch(`${url}${routes.start}`, {
    method: 'POST',
    headers: { origin: siteOrigin, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ department: 1 }),
  })
}

/** A visitor's conversation started over HTTP, with the headers its later calls carry. */
export async function startConversation(url: string, headers: Record<string, string> = {}) {
  const response = await postStart(url, headers)
  if (response.status !== 201) throw new Error(`start failed: ${response.status}`)
  const { conversationId, credential } = (await response.json()) as {
    conversationId: string
    credential: string
  }
  return {
    conversationId,
    credential,
    headers: { authorization: `Bearer ${credential}`, origin: siteOrigin },
  }
}

/** What zChat POSTs when an agent writes `text` (the message hash defaults to the text). */
export function agentMessageTrigger(conversationId: string, text: string, hash = text) {
  return {
    interaction_hash: conversationId,
    message: { hash, content: text, type: 'text', url: null },
    agent: { id: 1, name: 'Ana' },
    extra: {},
  }
}

/** Delivers a trigger to the proxy's webhook as zChat would, with the right secret. */
export function postTrigger(url: string, trigger: object) {
  return fetch(`${url}/webhooks/zchat/${webhookSecret}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(trigger),
  })
}

export type StreamReader = {
  /** Every event received so far. */
  events: LoggedEvent[]
  /** Resolves once `until` holds for the events received, or fails after `timeoutMs`. */
  waitFor(until: (events: LoggedEvent[]) => boolean, timeoutMs?: number): Promise<LoggedEvent[]>
  close(): void
}

/** An event stream that stays open until `close()`, for tests that look at the proxy meanwhile. */
export async function openStream(
  url: string,
  headers: Record<string, string>,
): Promise<StreamReader> {
  const controller = new AbortController()
  const response = await fetch(url, { headers, signal: controller.signal })
  if (!response.ok || !response.body) throw new Error(`stream refused: ${response.status}`)
  const body = response.body
  const events: LoggedEvent[] = []
  let changed = () => {}
  let ended = false
  const read = async () => {
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true })
      let end = buffer.indexOf('\n\n')
      while (end >= 0) {
        for (const line of buffer.slice(0, end).split('\n')) {
          if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as LoggedEvent)
        }
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
      }
      changed()
    }
  }
  read()
    .catch(() => {})
    .finally(() => {
      ended = true
      changed()
    })
  return {
    events,
    waitFor(until, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const fail = (why: string) => {
          changed = () => {}
          reject(new Error(`${why} waiting for events; got ${JSON.stringify(events)}`))
        }
        const timer = setTimeout(() => fail('timed out'), timeoutMs)
        changed = () => {
          if (until(events)) {
            clearTimeout(timer)
            changed = () => {}
            resolve(events)
          } else if (ended) {
            clearTimeout(timer)
            fail('stream ended')
          }
        }
        changed()
      })
    },
    close: () => controller.abort(),
  }
}

/**
 * The sum of a metric's series whose labels match (a string exactly, a RegExp by test), read from
 * the exposition text the way Prometheus would; 0 when there is none.
 */
export function readMetric(
  text: string,
  name: string,
  labels: Record<string, string | RegExp> = {},
) {
  let sum = 0
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const given = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    )
    const matches = Object.entries(labels).every(([key, want]) => {
      const value = given[key]
      return value !== undefined && (typeof want === 'string' ? value === want : want.test(value))
    })
    if (matches) sum += Number(match[3])
  }
  return sum
}

/** GET /metrics as Prometheus would, failing on anything but the exposition text. */
export async function scrape(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers })
  if (
    response.status !== 200 ||
    !/^text\/plain; version=0\.0\.4/.test(response.headers.get('content-type') ?? '')
  )
    throw new Error(`scrape failed: ${response.status} ${await response.text()}`)
  return response.text()
}

// ---- Files a visitor might upload, made from bytes -----------------------------------------------

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return (crc ^ 0xffffffff) >>> 0
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A valid 1x1 PNG, one red pixel. */
export function samplePng(): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(1, 0)
  header.writeUInt32BE(1, 4)
  header.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

/** A one-page PDF with no content. */
export function samplePdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n' +
      '2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n' +
      '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 10 10]>> endobj\n' +
      'trailer <</Root 1 0 R>>\n%%EOF\n',
  )
}

/** Silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz: 417 bytes each). */
export function sampleMp3(frames = 4): Buffer {
  const frame = Buffer.alloc(417)
  frame.set([0xff, 0xfb, 0x90, 0x64])
  return Buffer.concat(Array.from({ length: frames }, () => frame))
}

/** The EBML header of a WebM file and the start of its segment: what MediaRecorder writes first. */
export function sampleWebm(): Buffer {
  return Buffer.concat([
    Buffer.from(
      '1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701ffffffffffffff',
      'hex',
    ),
    Buffer.alloc(64),
  ])
}

/** A multipart/form-data body as a browser's fetch would send it, for `app.inject`. */
export async function formBody(
  form: FormData,
): Promise<{ payload: Buffer; headers: { 'content-type': string } }> {
  const request = new Request('http://localhost/', { method: 'POST', body: form })
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type')! },
  }
}

/** A form with one part named `file`, as the widget sends an upload. */
export function fileForm(bytes: Uint8Array, name: string, type = 'application/octet-stream') {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name)
  return form
}

export type ProxyProcess = { child: ChildProcess; url: string; output(): string }

/**
 * The production entry (proxy/main.ts) as a process of its own, as a deployment runs it: `env` is
 * its whole environment besides PATH, HOME, `PORT=0` and a temporary MEDIA_DIR (each of which `env`
 * may set). Resolves with its URL once it listens; rejects with what it printed if it exits first.
 */
export async function startProxyProcess(env: Record<string, string>): Promise<ProxyProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/main.ts'], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      // Not the checkout's own .media: the process creates its upload folder at start.
      MEDIA_DIR: join(tmpdir(), 'zchat-proxy-test-media'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += String(chunk)
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (listening) resolve(listening[1]!)
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      output += String(chunk)
    })
    child.once('exit', (code) => reject(new Error(`the proxy exited (${code}): ${output}`)))
  })
  return { child, url, output: () => output }
}

/**
 * The production entry as a process of its own, one deployment with an in-process instance started
 * with `config`: the same zChat, secrets, Redis and MEDIA_DIR. `env` adds to that environment.
 */
export function startProxyProcessAlong(config: Config, env: Record<string, string> = {}) {
  return startProxyProcess({
    MEDIA_DIR: config.mediaDir,
    ZCHAT_TOKEN: config.zchatToken,
    ZCHAT_API_URL: config.zchatApiUrl,
    ZCHAT_WEBHOOK_SECRET: config.webhookSecret,
    SESSION_SECRET: config.sessionSecret,
    PUBLIC_URL: config.publicUrl,
    ALLOWED_ORIGINS: config.allowedOrigins === '*' ? '*' : config.allowedOrigins.join(','),
    ALLOWED_DEPARTMENTS: config.allowedDepartments?.join(',') ?? '*',
    REDIS_URL: config.redisUrl ?? '',
    ...env,
  })
}
