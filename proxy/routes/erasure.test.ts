/**
 * A visitor's data erased on request (LGPD art. 18), by the visitor from the ended chat and by an
 * operator for a request that came by e-mail: the event log, the transcripts (of the chat and the
 * earlier one it carried), the files on disk, in memory and on Redis, with the app wired as in
 * production (buildApp) against the emulator and a real redis-server.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../emulator/server.ts'
import { type LoggedEvent, routes, type UploadReply } from '../../protocol/wire.ts'
import { buildApp } from '../app.ts'
import { defaultLimits } from '../env.ts'
import type { EventLog } from '../events/log.ts'
import { createMemoryLog } from '../events/memory.ts'
import { createLogger } from '../logger.ts'
import { createMediaStore, type MediaStore } from '../media/store.ts'
import { createMetrics, type Metrics } from '../metrics.ts'
import { createRedisLog } from '../redis/log.ts'
import { createStreams } from '../streams.ts'
import {
  agent,
  fileForm,
  formBody,
  readEvents,
  readMetric,
  samplePng,
  siteOrigin,
  testToken,
  webhookSecret,
} from '../testing/harness.ts'
import { useTestRedis } from '../testing/redis-vitest.ts'
import { createMemoryTranscripts } from '../transcripts/memory.ts'
import type { TranscriptStore } from '../transcripts/store.ts'
import { createVisitors } from '../visitors.ts'
import { createZChatClient } from '../zchat/client.ts'

const redis = useTestRedis()
const adminToken = 'admin-token-0123456789abcdef-0123456789'
const secretText = 'My CPF is 123.456.789-09'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ token: testToken })
})
afterAll(() => emulator.close())

type App = {
  app: FastifyInstance
  url: string
  log: EventLog
  transcripts: TranscriptStore
  media: MediaStore
  metrics: Metrics
  lines: string[]
  close(): Promise<void>
}

let apps = 0
const sessionSecret = 'test-session-secret-0123456789abcdef'

/** The proxy on its own port, its log and transcripts in memory or on Redis. */
async function startApp(store: 'memory' | 'redis', admin: string | null): Promise<App> {
  const mediaDir = mkdtempSync(join(tmpdir(), 'zchat-erase-'))
  const limits = { ...defaultLimits, zchatTimeoutMs: 2000, rateLimitPerMinute: 10_000 }
  const metrics = createMetrics()
  const media = createMediaStore({
    dir: mediaDir,
    maxBytes: limits.uploadMaxBytes,
    types: limits.uploadTypes,
    retentionMs: limits.mediaRetentionMs,
  })
  const redisLog =
    store === 'redis' ? createRedisLog({ url: redis.url, prefix: `erase${++apps}:` }) : null
  await redisLog?.relayReady()
  const log = redisLog ?? createMemoryLog()
  const transcripts =
    redisLog?.transcripts({ retentionMs: limits.historyRetentionMs }) ?? createMemoryTranscripts()
  const lines: string[] = []
  let url = ''
  const app = await buildApp({
    zchat: createZChatClient({ apiUrl: emulator.apiUrl, token: testToken, timeoutMs: 2000 }),
    log,
    transcripts,
    streams: createStreams(limits),
    media,
    metrics,
    visitors: createVisitors(sessionSecret, 60 * 60 * 1000),
    webhookSecret,
    sessionSecret,
    publicUrl: () => url,
    allowedOrigins: [siteOrigin],
    allowedDepartments: null,
    widgetDir: '/nonexistent',
    limits,
    adminToken: admin,
    logger: createLogger({ level: 'info', destination: { write: (line) => lines.push(line) } }),
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  emulator.setWebhookUrl(`${url}/webhooks/zchat/${webhookSecret}`)
  return {
    app,
    url,
    log,
    transcripts,
    media,
    metrics,
    lines,
    async close() {
      await app.close()
      await transcripts.close()
      await log.close()
      media.close()
      rmSync(mediaDir, { recursive: true, force: true })
    },
  }
}

type Visitor = { conversationId: string; credential: string }
const bearer = (v: Visitor) => ({ authorization: `Bearer ${v.credential}`, origin: siteOrigin })

async function start(a: App, previous?: Visitor): Promise<Visitor> {
  const response = await a.app.inject({
    method: 'POST',
    url: routes.start,
    payload: {
      department: 1,
      ...(previous && {
        previous: { conversationId: previous.conversationId, credential: previous.credential },
      }),
    },
    headers: { origin: siteOrigin },
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json()
}

async function say(a: App, v: Visitor, text: string, upload?: string) {
  const response = await a.app.inject({
    method: 'POST',
    url: routes.messages(v.conversationId),
    payload: { clientId: `c-${text.length}-${Date.now()}`, text, ...(upload && { upload }) },
    headers: bearer(v),
  })
  expect(response.statusCode, response.body).toBe(202)
}

async function upload(a: App, v: Visitor): Promise<UploadReply> {
  const { payload, headers } = await formBody(fileForm(samplePng(), 'receipt.png'))
  const response = await a.app.inject({
    method: 'POST',
    url: routes.uploads(v.conversationId),
    payload,
    headers: { ...bearer(v), ...headers },
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json()
}

/** The agent took it, answered and finished it; the visitor's stream saw the end. */
async function endedByAgent(a: App, v: Visitor) {
  await agent(emulator, v.conversationId, 'accept')
  await agent(emulator, v.conversationId, 'messages', { content: 'Noted, thanks' })
  await agent(emulator, v.conversationId, 'finish')
  await readEvents(`${a.url}${routes.events(v.conversationId)}`, bearer(v), (events) =>
    events.some((e: LoggedEvent) => e.type === 'finished'),
  )
}

const erase = (a: App, v: Visitor, headers: Record<string, string> = bearer(v)) =>
  a.app.inject({ method: 'DELETE', url: routes.conversation(v.conversationId), headers })

const get = (a: App, url: string) => a.app.inject({ method: 'GET', url: new URL(url).pathname })

/** zChat's URL for the earlier history of `v`'s conversation (the emulator recorded it). */
async function historyUrl(v: Visitor): Promise<string> {
  const response = await fetch(
    `${emulator.url}/control/interactions/${encodeURIComponent(v.conversationId)}`,
  )
  const { externalHistory } = (await response.json()) as { externalHistory: { url: string } }
  return externalHistory.url
}

async function scrape(a: App) {
  return (await a.metrics.render()).body
}

describe.each(['memory', 'redis'] as const)('erasing a conversation (%s)', (store) => {
  let a: App
  beforeAll(async () => {
    a = await startApp(store, adminToken)
  })
  afterAll(() => a.close())

  it('erases, at its visitor’s request, the ended chat and the earlier one it carried: log, transcripts, files', async () => {
    const first = await start(a)
    const file = await upload(a, first)
    await say(a, first, secretText, file.uploadId)
    await endedByAgent(a, first)
    expect((await get(a, file.url)).statusCode).toBe(200)

    const second = await start(a, first)
    const history = await historyUrl(second)
    expect((await get(a, history)).body).toContain(secretText)
    await say(a, second, 'Following up')
    await endedByAgent(a, second)

    const response = await erase(a, second)
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toEqual({
      conversations: 2,
      events: expect.any(Number),
      messages: 4,
      files: 1,
    })
    expect(response.json().events).toBeGreaterThanOrEqual(8)

    expect((await get(a, file.url)).statusCode).toBe(404)
    const after = await get(a, history)
    expect(after.statusCode).toBe(200)
    expect(after.body).not.toContain(secretText)
    for (const v of [first, second]) {
      expect(await a.log.readAfter(v.conversationId, 0)).toEqual([])
      expect(await a.transcripts.read(v.conversationId)).toBeNull()
    }
    expect(readMetric(await scrape(a), 'zchat_proxy_erasures_total', { by: 'visitor' })).toBe(1)
    // Logged with its id and counts, never what was said or sent.
    const line = a.lines.find((l) => l.includes('"conversation erased"')) ?? ''
    expect(JSON.parse(line)).toMatchObject({
      conversationId: second.conversationId,
      by: 'visitor',
      conversations: 2,
      files: 1,
    })
    expect(line).not.toContain('receipt.png')
    expect(a.lines.join('\n')).not.toContain(secretText)

    // Asked again (a retry): nothing is left, and it says so.
    expect((await erase(a, second)).json()).toEqual({
      conversations: 1,
      events: 0,
      messages: 0,
      files: 0,
    })
  })

  it('refuses a conversation going on (409), and callers without its credential (401, 403)', async () => {
    const v = await start(a)
    await say(a, v, secretText)
    const going = await erase(a, v)
    expect(going.statusCode).toBe(409)
    expect(going.json()).toMatchObject({ code: 'CONFLICT' })
    expect(await a.transcripts.read(v.conversationId)).not.toBeNull()
    expect((await erase(a, v, { origin: siteOrigin })).statusCode).toBe(401)
    const other = await start(a)
    expect((await erase(a, v, bearer(other))).statusCode).toBe(403)
  })

  it('lets the widget call it from the site (CORS preflight allows DELETE)', async () => {
    const preflight = await a.app.inject({
      method: 'OPTIONS',
      url: routes.conversation('x'),
      headers: {
        origin: siteOrigin,
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization',
      },
    })
    expect(preflight.statusCode).toBe(204)
    expect(preflight.headers['access-control-allow-methods']).toContain('DELETE')
  })

  it('erases for an operator with ADMIN_TOKEN, whatever its state; 401 without it or with another', async () => {
    const v = await start(a)
    const file = await upload(a, v)
    await say(a, v, secretText, file.uploadId)
    const path = `/admin/conversations/${encodeURIComponent(v.conversationId)}`
    for (const authorization of [undefined, `Bearer ${adminToken}x`, adminToken]) {
      const refused = await a.app.inject({
        method: 'DELETE',
        url: path,
        headers: authorization === undefined ? {} : { authorization },
      })
      expect(refused.statusCode).toBe(401)
      expect(refused.headers['www-authenticate']).toBe('Bearer')
    }
    expect((await get(a, file.url)).statusCode).toBe(200)
    const response = await a.app.inject({
      method: 'DELETE',
      url: path,
      headers: { authorization: `Bearer ${adminToken}` },
    })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ conversations: 1, messages: 1, files: 1 })
    expect((await get(a, file.url)).statusCode).toBe(404)
    expect(await a.transcripts.read(v.conversationId)).toBeNull()
    expect(readMetric(await scrape(a), 'zchat_proxy_erasures_total', { by: 'operator' })).toBe(1)
  })
})

describe('without ADMIN_TOKEN', () => {
  it('has no admin calls: 404, as any unknown path', async () => {
    const a = await startApp('memory', null)
    const response = await a.app.inject({
      method: 'DELETE',
      url: '/admin/conversations/abc',
      headers: { authorization: `Bearer ${adminToken}` },
    })
    expect(response.statusCode).toBe(404)
    await a.close()
  })
})
