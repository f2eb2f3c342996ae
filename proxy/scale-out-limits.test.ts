/**
 * The limits of a whole deployment hold over several instances on one Redis: a client cannot
 * multiply them by the number of instances, and an instance killed without a word stops counting.
 * Real redis-servers, the emulator, and proxies talking over HTTP (one of them the production
 * entry in a process of its own, so it can be killed).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../emulator/server.ts'
import type { UploadReply } from '../protocol/wire.ts'
import { routes } from '../protocol/wire.ts'
import { defaultLimits, type Limits } from './env.ts'
import { type Running, startProxy } from './server.ts'
import {
  fileForm,
  type ProxyProcess,
  postStart,
  startConversation,
  startProxyProcessAlong,
  testConfig,
  testToken,
} from './testing/harness.ts'
import { startTestRedis, type TestRedis } from './testing/redis-server.ts'

let emulator: Emulator
let mediaDir: string
const running: Running[] = []
const redises: TestRedis[] = []
const processes: ProxyProcess[] = []
/** Streams left open by a test, closed after it. */
const open: AbortController[] = []

beforeAll(async () => {
  emulator = await startEmulator({ token: testToken })
  mediaDir = mkdtempSync(join(tmpdir(), 'zchat-shared-media-'))
})
afterEach(async () => {
  for (const controller of open.splice(0)) controller.abort()
  for (const child of processes.splice(0)) child.child.kill('SIGKILL')
  await Promise.all(running.splice(0).map((on) => on.drain()))
  await Promise.all(redises.splice(0).map((redis) => redis.stop()))
})
afterAll(async () => {
  await emulator?.close()
  rmSync(mediaDir, { recursive: true, force: true })
})

/** A Redis of the test's own: the others' streams, starts and files would count too. */
async function ownRedis() {
  const redis = await startTestRedis()
  redises.push(redis)
  return redis
}

/** An instance's config on `redis`, with the file's emulator and shared media folder. */
function instanceConfig(redis: TestRedis, limits: Partial<Limits> = {}) {
  return testConfig({
    zchatApiUrl: emulator.apiUrl,
    redisUrl: redis.url,
    mediaDir,
    limits: { ...defaultLimits, shutdownTimeoutMs: 500, ...limits },
  })
}

async function startInstance(redis: TestRedis, limits: Partial<Limits>) {
  const on = await startProxy(instanceConfig(redis, limits), {
    widgetDir: '/nonexistent',
    logger: false,
  })
  running.push(on)
  return on
}

/** Opens the conversation's event stream on `url`, kept open when it is admitted; its status. */
async function tryStream(url: string, c: { conversationId: string; headers: object }) {
  const controller = new AbortController()
  const response = await fetch(`${url}${routes.events(c.conversationId)}`, {
    headers: c.headers as Record<string, string>,
    signal: controller.signal,
  })
  if (response.ok) open.push(controller)
  else controller.abort()
  return { status: response.status, close: () => controller.abort() }
}

describe('limits over every instance on one Redis', () => {
  it("caps one address's open streams over every instance; a killed instance's stop counting once its lease lapses", async () => {
    const redis = await ownRedis()
    const a = await startInstance(redis, { maxStreamsPerIp: 2, heartbeatMs: 2000 })
    const b = await startProxyProcessAlong(instanceConfig(redis), {
      MAX_STREAMS_PER_IP: '2',
      HEARTBEAT_MS: '2000',
    })
    processes.push(b)
    const c = await startConversation(a.url)

    const onA = await tryStream(a.url, c)
    expect(onA.status).toBe(200)
    expect((await tryStream(b.url, c)).status).toBe(200)
    // Each instance holds one: counted alone, either would take a second.
    expect((await tryStream(a.url, c)).status).toBe(429)
    expect((await tryStream(b.url, c)).status).toBe(429)

    // A stream closed gives its room back (to any instance).
    onA.close()
    await expect
      .poll(async () => (await tryStream(a.url, c)).status, { timeout: 10_000, interval: 100 })
      .toBe(200)

    // B dies holding one: it counts until B's lease (three heartbeats, 6 s) lapses, then not.
    const killed = new Promise((resolve) => b.child.once('exit', resolve))
    b.child.kill('SIGKILL')
    await killed
    expect((await tryStream(a.url, c)).status).toBe(429)
    await expect
      .poll(async () => (await tryStream(a.url, c)).status, { timeout: 15_000, interval: 250 })
      .toBe(200)
    expect((await tryStream(a.url, c)).status).toBe(429)
  }, 45_000)

  it('counts new conversations per minute (STARTS_PER_MINUTE_GLOBAL) over every instance', async () => {
    const redis = await ownRedis()
    const limits = { startsPerMinuteGlobal: 3, startsPerMinute: 1000, rateLimitPerMinute: 1000 }
    const both = [await startInstance(redis, limits), await startInstance(redis, limits)]
    const statuses = []
    for (const on of [...both, ...both]) statuses.push((await postStart(on.url)).status)
    expect(statuses).toEqual([201, 201, 201, 429])
    const refused = await postStart(both[0]!.url)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' })
  })

  it('counts uploads against MEDIA_QUOTA_BYTES over every instance, a refused upload holding nothing; B serves what A stored once it is sent, with its type', async () => {
    const redis = await ownRedis()
    // Room for two files of 1000 bytes with the largest (1024) asked for each.
    const limits = { uploadMaxBytes: 1024, mediaQuotaBytes: 2100 }
    const [a, b] = [await startInstance(redis, limits), await startInstance(redis, limits)]
    const c = await startConversation(a.url)
    const upload = (on: Running, bytes: Uint8Array, name: string) =>
      fetch(`${on.url}${routes.uploads(c.conversationId)}`, {
        method: 'POST',
        headers: c.headers,
        body: fileForm(bytes, name),
      })
    const text = (letter: string) => Buffer.alloc(1000, letter)

    const first = await upload(a!, text('a'), 'first.txt')
    expect(first.status).toBe(201)
    // Refused by its content: the room it asked for is given back.
    expect((await upload(b!, Buffer.from('<html><script>1</script></html>'), 'x.txt')).status).toBe(
      415,
    )
    expect((await upload(b!, text('b'), 'second.txt')).status).toBe(201)
    // A alone has stored 1000 bytes: counted alone, it would take a third.
    const third = await upload(a!, text('c'), 'third.txt')
    expect(third.status).toBe(503)
    expect(await third.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' })

    const stored = (await first.json()) as UploadReply
    const unsent = await fetch(`${b!.url}${new URL(stored.url).pathname}`)
    expect(unsent.status).toBe(404)
    // Sent through A: B serves it.
    const sent = await fetch(`${a!.url}${routes.messages(c.conversationId)}`, {
      method: 'POST',
      headers: { ...c.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'shared-file-1', upload: stored.uploadId }),
    })
    expect(sent.status).toBe(202)
    const served = await fetch(`${b!.url}${new URL(stored.url).pathname}`)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await served.text()).toBe('a'.repeat(1000))
  })
})

describe('files per conversation over every instance on one Redis', () => {
  it('refuses more than UPLOADS_PER_CONVERSATION, whichever instances stored them', async () => {
    const redis = await ownRedis()
    const limits = { uploadsPerConversation: 2 }
    const [a, b] = [await startInstance(redis, limits), await startInstance(redis, limits)]
    const c = await startConversation(a!.url)
    const upload = (on: Running) =>
      fetch(`${on.url}${routes.uploads(c.conversationId)}`, {
        method: 'POST',
        headers: c.headers,
        body: fileForm(Buffer.alloc(100, 'a'), 'notes.txt'),
      })
    expect((await upload(a!)).status).toBe(201)
    expect((await upload(b!)).status).toBe(201)
    // Each instance stored one: counted alone, either would take a third.
    const third = await upload(a!)
    expect(third.status).toBe(429)
    expect(await third.json()).toMatchObject({ code: 'RATE_LIMITED' })
    expect((await upload(b!)).status).toBe(429)
    // Another conversation has its own count.
    const other = await startConversation(b!.url)
    const theirs = await fetch(`${a!.url}${routes.uploads(other.conversationId)}`, {
      method: 'POST',
      headers: other.headers,
      body: fileForm(Buffer.alloc(100, 'b'), 'notes.txt'),
    })
    expect(theirs.status).toBe(201)
  })
})
