import { readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes, type UploadReply } from '../../protocol/wire.ts'
import {
  fileForm,
  formBody,
  type Harness,
  interaction,
  sampleMp3,
  samplePng,
  startConversation,
  startHarness,
} from '../testing/harness.ts'

type Visitor = Awaited<ReturnType<typeof startConversation>>

const hour = 60 * 60 * 1000
let clock = Date.now()
let h: Harness
beforeAll(async () => {
  h = await startHarness({
    // Few visitor calls allowed: agents fetching files must not be held to it.
    limits: { rateLimitPerMinute: 3, mediaRetentionMs: 48 * hour },
    now: () => clock,
  })
})
afterAll(() => h.close())

let visitors = 0

/** A file a visitor uploaded and sent: from then on, its URL serves it. */
async function uploaded(bytes: Buffer, name: string): Promise<UploadReply> {
  const visitor = await startConversation(h.url)
  // Each visitor from an address of its own: three calls a minute each.
  const remoteAddress = `192.0.2.${++visitors}`
  const { payload, headers } = await formBody(fileForm(bytes, name))
  const response = await h.app.inject({
    method: 'POST',
    url: routes.uploads(visitor.conversationId),
    payload,
    headers: { ...visitor.headers, ...headers },
    remoteAddress,
  })
  expect(response.statusCode, response.body).toBe(201)
  const file: UploadReply = response.json()
  const sent = await h.app.inject({
    method: 'POST',
    url: routes.messages(visitor.conversationId),
    payload: { clientId: `sent-${visitors}-0000`, upload: file.uploadId },
    headers: visitor.headers,
    remoteAddress,
  })
  expect(sent.statusCode, sent.body).toBe(202)
  return file
}

const get = (url: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'GET', url: new URL(url).pathname, headers })

describe('GET /media/:id/:name', () => {
  it('serves a byte range of a recording, for players that seek', async () => {
    const mp3 = sampleMp3(6)
    const file = await uploaded(mp3, 'voice.mp3')
    const whole = await get(file.url)
    expect(whole.statusCode).toBe(200)
    expect(whole.headers).toMatchObject({
      'accept-ranges': 'bytes',
      'content-length': String(mp3.length),
      'content-type': 'audio/mpeg',
    })
    const part = await get(file.url, { range: 'bytes=100-499' })
    expect(part.statusCode).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 100-499/${mp3.length}`)
    expect(part.rawPayload).toEqual(mp3.subarray(100, 500))
    const tail = await get(file.url, { range: 'bytes=-10' })
    expect(tail.statusCode).toBe(206)
    expect(tail.rawPayload).toEqual(mp3.subarray(-10))
    const beyond = await get(file.url, { range: `bytes=${mp3.length}-` })
    expect(beyond.statusCode).toBe(416)
    expect(beyond.headers['content-range']).toBe(`bytes */${mp3.length}`)
    expect(beyond.json()).toMatchObject({ code: 'RANGE_NOT_SATISFIABLE' })
    // Several ranges: the whole file, as the RFC allows.
    expect((await get(file.url, { range: 'bytes=0-1,5-6' })).statusCode).toBe(200)
  })

  it('answers a revalidation with 304, and HEAD without a body', async () => {
    const file = await uploaded(samplePng(), 'dot.png')
    const first = await get(file.url)
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect(first.headers['cache-control']).toBe('private, max-age=86400')
    const again = await get(file.url, { 'if-none-match': etag })
    expect(again.statusCode).toBe(304)
    expect(again.rawPayload).toHaveLength(0)
    const head = await h.app.inject({ method: 'HEAD', url: new URL(file.url).pathname })
    expect(head.statusCode).toBe(200)
    expect(head.headers['content-length']).toBe(String(samplePng().length))
    expect(head.rawPayload).toHaveLength(0)
  })

  it('is not held to the visitors’ rate limit', async () => {
    const file = await uploaded(samplePng(), 'popular.png')
    for (let i = 0; i < 10; i++) expect((await get(file.url)).statusCode).toBe(200)
  })

  it('answers 404 in the house shape for an unknown or malformed id', async () => {
    for (const path of [
      '/media/AAAAAAAAAAAAAAAAAAAAAAAA/x.png',
      '/media/..%2F..%2Fetc%2Fpasswd/x',
    ]) {
      const response = await h.app.inject({ method: 'GET', url: path })
      expect(response.statusCode, path).toBe(404)
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND', message: expect.any(String) })
    }
  })

  it('stops serving a file once it expires, and the sweep deletes it and counts it', async () => {
    const visitor = await startConversation(h.url)
    const { payload, headers } = await formBody(fileForm(samplePng(), 'old.png'))
    const file = (
      await h.app.inject({
        method: 'POST',
        url: routes.uploads(visitor.conversationId),
        payload,
        headers: { ...visitor.headers, ...headers },
      })
    ).json() as UploadReply
    await h.app.inject({
      method: 'POST',
      url: routes.messages(visitor.conversationId),
      payload: { clientId: 'expiring-01', upload: file.uploadId },
      headers: visitor.headers,
    })
    expect((await interaction(h.emulator, visitor.conversationId)).messages[0]?.url).toBe(file.url)
    expect(readdirSync(h.mediaDir)).toEqual(
      expect.arrayContaining([file.uploadId, `${file.uploadId}.json`]),
    )
    // Served with a cache lifetime that never outlasts the file.
    clock += 48 * hour - 60_000
    expect((await get(file.url)).headers['cache-control']).toBe('private, max-age=60')

    clock += 60_000
    expect((await get(file.url)).statusCode).toBe(404)
    const removed = await h.media.sweep()
    expect(removed.expired).toBeGreaterThanOrEqual(1)
    expect(readdirSync(h.mediaDir)).not.toContain(file.uploadId)
    expect(readdirSync(h.mediaDir)).not.toContain(`${file.uploadId}.json`)
    const { body } = await h.metrics.render()
    expect(body).toMatch(/^zchat_proxy_media_removed_total\{reason="expired"\} [1-9]/m)
    // A message can no longer carry it either.
    const late = await h.app.inject({
      method: 'POST',
      url: routes.messages(visitor.conversationId),
      payload: { clientId: 'expiring-02', upload: file.uploadId },
      headers: visitor.headers,
    })
    // 422 on the upload, not 404: the widget reads a 404 as the conversation gone.
    expect(late.statusCode).toBe(422)
    expect(late.json()).toEqual({
      code: 'UNPROCESSABLE',
      message: 'This file is no longer available; please attach it again',
      details: [{ path: 'upload', message: 'Unknown or expired upload' }],
    })
    expect((await interaction(h.emulator, visitor.conversationId)).messages).toHaveLength(1)
  })
})

describe('a file nobody sent', () => {
  const minute = 60 * 1000
  let u: Harness
  beforeAll(async () => {
    u = await startHarness({
      // Room for two files of 1000 bytes, the largest (1024) asked for each.
      limits: {
        uploadMaxBytes: 1024,
        mediaQuotaBytes: 2100,
        mediaUnsentMs: 15 * minute,
        mediaRetentionMs: 48 * hour,
      },
      now: () => clock,
    })
  })
  afterAll(() => u.close())

  const text = (letter: string) => Buffer.alloc(1000, letter)
  async function upload(visitor: Visitor, bytes: Buffer, name = 'notes.txt') {
    const { payload, headers } = await formBody(fileForm(bytes, name))
    return u.app.inject({
      method: 'POST',
      url: routes.uploads(visitor.conversationId),
      payload,
      headers: { ...visitor.headers, ...headers },
    })
  }
  const send = (visitor: Visitor, clientId: string, file: UploadReply) =>
    u.app.inject({
      method: 'POST',
      url: routes.messages(visitor.conversationId),
      payload: { clientId, upload: file.uploadId },
      headers: visitor.headers,
    })
  const fetchFile = (file: UploadReply, method = 'GET') =>
    u.app.inject({ method: method as 'GET', url: new URL(file.url).pathname })
  const onDisk = (file: UploadReply) => readdirSync(u.mediaDir).includes(file.uploadId)

  it('is not served until the message that carries it is sent, then MEDIA_RETENTION_HOURS from then', async () => {
    const visitor = await startConversation(u.url)
    const file = (await upload(visitor, text('a'))).json() as UploadReply
    expect((await fetchFile(file)).statusCode).toBe(404)
    expect((await fetchFile(file, 'HEAD')).statusCode).toBe(404)
    expect((await fetchFile(file)).json()).toMatchObject({ code: 'NOT_FOUND' })

    clock += 10 * minute
    expect((await send(visitor, 'sent-later-1', file)).statusCode).toBe(202)
    const [message] = (await interaction(u.emulator, visitor.conversationId)).messages
    expect(message?.url).toBe(file.url)
    const served = await fetchFile(file)
    expect(served.statusCode).toBe(200)
    expect(served.body).toBe('a'.repeat(1000))

    // Served the retention from when it was sent, not from when it was uploaded.
    clock += 48 * hour - minute
    expect((await fetchFile(file)).statusCode).toBe(200)
    clock += minute
    expect((await fetchFile(file)).statusCode).toBe(404)
  })

  it('expires MEDIA_UNSENT_MINUTES after its upload, and the sweep deletes it and gives its room back', async () => {
    await u.media.sweep()
    const visitor = await startConversation(u.url)
    const first = (await upload(visitor, text('a'))).json() as UploadReply
    clock += 5 * minute
    const second = (await upload(visitor, text('b'))).json() as UploadReply
    // Two files nobody sent fill the quota: everybody's next upload is refused.
    const other = await startConversation(u.url)
    expect((await upload(other, text('c'))).statusCode).toBe(503)

    clock += 10 * minute
    // The first is past its time: no message can carry it any more, and the sweep takes it.
    const late = await send(visitor, 'too-late-01', first)
    expect(late.statusCode).toBe(422)
    expect(late.json()).toMatchObject({ details: [{ path: 'upload' }] })
    expect(await u.media.sweep()).toEqual({ expired: 0, unsent: 1, orphan: 0 })
    expect(onDisk(first)).toBe(false)
    expect(onDisk(second)).toBe(true)
    const { body } = await u.metrics.render()
    expect(body).toMatch(/^zchat_proxy_media_removed_total\{reason="unsent"\} 1$/m)
    // Its room is free again.
    expect((await upload(other, text('c'))).statusCode).toBe(201)
    expect(await interaction(u.emulator, visitor.conversationId)).toMatchObject({ messages: [] })
  })

  it('is not served when zChat refuses the message that carried it', async () => {
    await u.media.sweep()
    clock += 16 * minute
    await u.media.sweep()
    const visitor = await startConversation(u.url)
    const uploaded = await upload(visitor, samplePng(), 'dot.png')
    expect(uploaded.statusCode, uploaded.body).toBe(201)
    const file = uploaded.json() as UploadReply
    await fetch(`${u.emulator.url}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refuseMessageTypes: ['image'] }),
    })
    try {
      const refused = await send(visitor, 'refused-001', file)
      expect(refused.statusCode).toBeGreaterThanOrEqual(400)
      expect(refused.statusCode).toBeLessThan(500)
    } finally {
      await fetch(`${u.emulator.url}/control/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refuseMessageTypes: [] }),
      })
    }
    expect((await fetchFile(file)).statusCode).toBe(404)
  })
})
