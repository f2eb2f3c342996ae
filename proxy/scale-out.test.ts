/**
 * Several instances on one Redis (REDIS_URL), as production starts them, against a real
 * redis-server that keeps an append-only file (as docs/operations.md recommends), so a restart of Redis
 * loses nothing. zChat's webhooks reach instance A; visitors' streams may be on B.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../emulator/server.ts'
import type { MessageReply } from '../protocol/schemas.ts'
import { routes } from '../protocol/wire.ts'
import { defaultLimits } from './env.ts'
import { type Running, startProxy } from './server.ts'
import {
  agentMessageTrigger,
  interaction,
  openStream,
  postStart,
  postTrigger,
  type StreamReader,
  siteOrigin,
  startConversation,
  testConfig,
  testToken,
} from './testing/harness.ts'
import { startTestRedis, type TestRedis } from './testing/redis-server.ts'

let redis: TestRedis
let dir: string
let emulator: Emulator
let a: Running
let b: Running
const streams: StreamReader[] = []

const startInstance = (limits: Partial<typeof defaultLimits> = {}, redisUrl = redis.url) =>
  startProxy(
    testConfig({
      zchatApiUrl: emulator.apiUrl,
      redisUrl,
      limits: { ...defaultLimits, zchatTimeoutMs: 2000, shutdownTimeoutMs: 500, ...limits },
    }),
    { widgetDir: '/nonexistent', logger: false },
  )

async function startBoth() {
  ;[a, b] = await Promise.all([startInstance(), startInstance()])
  emulator.setWebhookUrl(`${a.url}/webhooks/zchat/test-webhook-secret-0123456789`)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zchat-redis-'))
  redis = await startTestRedis({ dir })
  emulator = await startEmulator({ token: testToken })
  await startBoth()
})
afterEach(() => {
  for (const stream of streams.splice(0)) stream.close()
})
afterAll(async () => {
  await Promise.all([a?.drain(), b?.drain()])
  await emulator?.close()
  await redis?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function stream(on: Running, conversation: { conversationId: string; headers: object }) {
  const opened = await openStream(`${on.url}${routes.events(conversation.conversationId)}`, {
    ...(conversation.headers as Record<string, string>),
  })
  streams.push(opened)
  return opened
}

const texts = (events: StreamReader['events']) =>
  events.flatMap((e) => (e.type === 'message' ? [e.text] : []))

function sendMessage(on: Running, c: { conversationId: string; headers: object }, text: string) {
  return fetch(`${on.url}${routes.messages(c.conversationId)}`, {
    method: 'POST',
    headers: { ...(c.headers as Record<string, string>), 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: `client-${text.replace(/\W/g, '')}`, text }),
  })
}

describe('several instances on one Redis', () => {
  it("relays a webhook on instance A to the visitor's stream on instance B, once", async () => {
    const c = await startConversation(b.url)
    const live = await stream(b, c)
    expect(
      (await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'Hello from A'))).status,
    ).toBe(200)
    // zChat repeats a trigger; this time it reaches B.
    expect(
      (await postTrigger(b.url, agentMessageTrigger(c.conversationId, 'Hello from A'))).status,
    ).toBe(200)
    await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'And again'))
    await live.waitFor((events) => texts(events).includes('And again'))
    expect(texts(live.events)).toEqual(['Hello from A', 'And again'])
  })

  it("sends a visitor's message to zChat once, whichever instance the retry reaches", async () => {
    const c = await startConversation(a.url)
    const first = await sendMessage(a, c, 'Only once')
    const retry = await sendMessage(b, c, 'Only once')
    expect(first.status).toBe(202)
    expect(retry.status).toBe(202)
    const eventId = async (r: Response) => ((await r.json()) as MessageReply).eventId
    expect(await eventId(retry)).toBe(await eventId(first))
    const sent = (await interaction(emulator, c.conversationId)).messages
    expect(sent.filter((m) => m.content === 'Only once')).toHaveLength(1)
  })

  it('calls zChat once for a message sent to two instances at the same time', async () => {
    const c = await startConversation(a.url)
    const raced = await Promise.all([sendMessage(a, c, 'Raced'), sendMessage(b, c, 'Raced')])
    // One sends; the other is told to retry shortly (503) unless the first had already stored it.
    for (const r of raced) expect([202, 503]).toContain(r.status)
    const eventIds = new Set<number>()
    for (const on of [a, b]) {
      const retry = await sendMessage(on, c, 'Raced')
      expect(retry.status).toBe(202)
      eventIds.add(((await retry.json()) as MessageReply).eventId)
    }
    expect(eventIds.size).toBe(1)
    const sent = (await interaction(emulator, c.conversationId)).messages
    expect(sent.filter((m) => m.content === 'Raced')).toHaveLength(1)
  })

  it('while Redis is down: webhook 5xx (zChat retries), readyz 503, visitor calls retryable; then nothing is lost', async () => {
    const c = await startConversation(a.url)
    const live = await stream(b, c)
    await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'Before'))
    await live.waitFor((events) => texts(events).includes('Before'))

    await redis.stop()
    const refused = await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'During'))
    expect(refused.status).toBe(503)
    expect((await fetch(`${a.url}/readyz`)).status).toBe(503)
    expect((await fetch(`${b.url}/readyz`)).status).toBe(503)
    const visitor = await sendMessage(b, c, 'Visitor during')
    expect(visitor.status).toBe(503)
    expect(visitor.headers.get('retry-after')).toBe('2')
    expect(await visitor.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' })

    await redis.start()
    await expect
      .poll(async () => (await fetch(`${a.url}/readyz`)).status, { timeout: 10_000 })
      .toBe(200)
    await expect
      .poll(async () => (await fetch(`${b.url}/readyz`)).status, { timeout: 10_000 })
      .toBe(200)
    // zChat's retry of the refused trigger, and the visitor's retry of the refused message.
    expect((await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'During'))).status).toBe(
      200,
    )
    expect((await sendMessage(b, c, 'Visitor during')).status).toBe(202)
    // A reload (a stream from 0, here on B) shows the whole conversation.
    const resumed = await stream(b, c)
    await resumed.waitFor((events) => texts(events).includes('Visitor during'), 10_000)
    expect(texts(resumed.events)).toEqual(['Before', 'During', 'Visitor during'])
    // The relay resumed from its last id: the stream B held through the outage got everything,
    // in order, once.
    await postTrigger(a.url, agentMessageTrigger(c.conversationId, 'After'))
    await live.waitFor((events) => texts(events).includes('After'), 10_000)
    expect(texts(live.events)).toEqual(['Before', 'During', 'Visitor during', 'After'])
  }, 30_000)

  it('counts a rate limit across instances: a client cannot multiply it by the number of instances', async () => {
    // A Redis of its own: the other tests' starts from this address would count too.
    const own = await startTestRedis()
    const limits = { startsPerMinute: 3, rateLimitPerMinute: 1000 }
    const limited = await Promise.all([
      startInstance(limits, own.url),
      startInstance(limits, own.url),
    ])
    try {
      const statuses = []
      for (const on of [...limited, ...limited]) statuses.push((await postStart(on.url)).status)
      expect(statuses).toEqual([201, 201, 201, 429])
      // Other routes keep their own count.
      expect(
        (await fetch(`${limited[1].url}${routes.config}`, { headers: { origin: siteOrigin } }))
          .status,
      ).toBe(200)
    } finally {
      await Promise.all(limited.map((on) => on.drain()))
      await own.stop()
    }
  })

  it('refuses a second rating after every instance restarted', async () => {
    const c = await startConversation(a.url)
    const rate = (on: Running, mood: string) =>
      fetch(`${on.url}${routes.rating(c.conversationId)}`, {
        method: 'PUT',
        headers: { ...c.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ mood }),
      })
    await fetch(`${a.url}${routes.finish(c.conversationId)}`, { method: 'PUT', headers: c.headers })
    expect((await rate(a, 'positive')).status).toBe(204)
    await Promise.all([a.drain(), b.drain()])
    await startBoth()
    const again = await rate(b, 'negative')
    expect(again.status).toBe(409)
    expect((await interaction(emulator, c.conversationId)).mood).toBe('POSITIVE')
  })
})
