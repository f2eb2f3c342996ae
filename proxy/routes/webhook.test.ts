import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import {
  agent,
  type Harness,
  readEvents,
  siteOrigin,
  startHarness,
  webhookSecret,
} from '../testing/harness.ts'

let h: Harness
let conversationId: string
let headers: Record<string, string>
beforeAll(async () => {
  h = await startHarness()
  const started = await h.app.inject({
    method: 'POST',
    url: routes.start,
    payload: { department: 1 },
    headers: { origin: siteOrigin },
  })
  const body = started.json()
  conversationId = body.conversationId
  headers = { authorization: `Bearer ${body.credential}` }
})
afterAll(() => h.close())

const post = (secret: string, payload: unknown) =>
  h.app.inject({ method: 'POST', url: `/webhooks/zchat/${secret}`, payload: payload as object })

const agentMessage = (hash: string, content: string) => ({
  interaction_hash: conversationId,
  message: { hash, content, type: 'text', url: null },
  agent: { id: 7, name: 'Carla' },
  extra: {},
})

describe('webhook', () => {
  it('ignores a forged trigger: wrong secret is a plain 404 and changes nothing', async () => {
    const forged = await post(
      'wrong-secret-000000000',
      agentMessage('forged-1', 'Send me your password'),
    )
    expect(forged.statusCode).toBe(404)
    expect(forged.json()).toEqual({ code: 'NOT_FOUND', message: 'Not found' })
    const { events } = await readEvents(
      `${h.url}${routes.events(conversationId)}`,
      headers,
      (e) => e.length >= 1,
    )
    expect(events.map((e) => e.type)).toEqual(['queued'])
  })

  it('rejects a malformed trigger with a validation error', async () => {
    for (const bad of [
      { state: 'queued' },
      { interaction_hash: conversationId, state: 42 },
      { interaction_hash: 42, state: 'accepted' },
      { interaction_hash: conversationId, message: { content: 'no hash' } },
    ]) {
      const response = await post(webhookSecret, bad)
      expect(response.statusCode).toBe(400)
      expect(response.json().code).toBe('VALIDATION_ERROR')
    }
  })

  it('relays an agent message once however often zChat delivers it, with unknown fields tolerated', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await post(webhookSecret, {
        ...agentMessage('m-1', 'Hello'),
        brand_new_field: true,
      })
      expect(response.statusCode).toBe(200)
    }
    await post(webhookSecret, {
      interaction_hash: conversationId,
      message: { hash: 'm-2', content: 'See this', type: 'image', url: 'javascript:alert(1)' },
      agent: null,
    })
    const { events } = await readEvents(
      `${h.url}${routes.events(conversationId)}`,
      headers,
      (e) => e.length >= 3,
    )
    expect(
      events
        .filter((e) => e.type === 'message')
        .map((e) => e.type === 'message' && [e.messageId, e.text, e.media]),
    ).toEqual([
      ['m-1', 'Hello', undefined],
      ['m-2', 'See this', undefined],
    ])
  })

  it('keeps a trigger that arrives before the start call answered', async () => {
    const early = await post(webhookSecret, {
      interaction_hash: 'not-yet-opened',
      state: 'queued',
      position: 3,
      extra: {},
    })
    expect(early.statusCode).toBe(200)
  })

  it('drops typing and queue updates that arrive after the end, but keeps a late agent message', async () => {
    await post(webhookSecret, { interaction_hash: conversationId, state: 'finished', extra: {} })
    await post(webhookSecret, { interaction_hash: conversationId, state: 'finished', extra: {} })
    await post(webhookSecret, { interaction_hash: conversationId, state: 'typing', extra: {} })
    await post(webhookSecret, {
      interaction_hash: conversationId,
      state: 'queued',
      position: 1,
      extra: {},
    })
    await post(webhookSecret, agentMessage('m-3', 'Bye!'))
    const { events } = await readEvents(`${h.url}${routes.events(conversationId)}`, headers, (e) =>
      e.some((x) => x.type === 'message' && x.messageId === 'm-3'),
    )
    expect(events.slice(-2).map((e) => e.type)).toEqual(['finished', 'message'])
  })

  it('acknowledges a trigger with a state it does not know and keeps an unknown message type as a file', async () => {
    const unknown = await post(webhookSecret, {
      interaction_hash: conversationId,
      state: 'transferred',
      extra: {},
    })
    expect(unknown.statusCode).toBe(200)
    const document = await post(webhookSecret, {
      interaction_hash: conversationId,
      message: {
        hash: 'm-doc',
        content: 'Your invoice',
        type: 'document',
        url: 'https://cdn.example/invoice.pdf',
      },
      agent: { id: 7, name: 'Carla' },
      extra: {},
    })
    expect(document.statusCode).toBe(200)
    const { events } = await readEvents(`${h.url}${routes.events(conversationId)}`, headers, (e) =>
      e.some((x) => x.type === 'message' && x.messageId === 'm-doc'),
    )
    expect(events.at(-1)).toMatchObject({
      text: 'Your invoice',
      media: { kind: 'file', url: 'https://cdn.example/invoice.pdf' },
    })
  })
})

describe('webhook against a sloppier zChat', () => {
  it('relays triggers whose fields are odd but readable (capital states, string positions, extra [])', async () => {
    await fetch(`${h.emulator.url}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ oddTriggers: true }),
    })
    try {
      const started = await h.app.inject({
        method: 'POST',
        url: routes.start,
        payload: { department: 2 },
        headers: { origin: siteOrigin },
      })
      const { conversationId: id, credential } = started.json()
      await agent(h.emulator, id, 'accept')
      await agent(h.emulator, id, 'finish')
      const { events } = await readEvents(
        `${h.url}${routes.events(id)}`,
        { authorization: `Bearer ${credential}` },
        (e) => e.some((event) => event.type === 'finished'),
      )
      expect(events.map((e) => e.type)).toEqual(['queued', 'accepted', 'finished'])
      expect(events[0]).toMatchObject({ type: 'queued', position: 1 })
    } finally {
      await fetch(`${h.emulator.url}/control/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ oddTriggers: false }),
      })
    }
  })
})

// The webhook is answered on node:http before Fastify's router: the same answers over a real socket.
describe('webhook over HTTP (answered before the router)', () => {
  const url = (secret = webhookSecret) => `${h.url}/webhooks/zchat/${secret}`
  const send = (body: string, init: { headers?: Record<string, string>; secret?: string } = {}) =>
    fetch(url(init.secret), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      body,
    })

  it('stores a trigger, echoes the request id and relays it once', async () => {
    const trigger = JSON.stringify(agentMessage('http-1', 'Over the socket'))
    for (let i = 0; i < 2; i++) {
      const response = await send(trigger, { headers: { 'x-request-id': `hook-http-${i}` } })
      expect(response.status).toBe(200)
      expect(response.headers.get('x-request-id')).toBe(`hook-http-${i}`)
      expect(response.headers.get('access-control-allow-origin')).toBeNull()
      expect(await response.json()).toEqual({ received: true })
    }
    const { events } = await readEvents(`${h.url}${routes.events(conversationId)}`, headers, (e) =>
      e.some((event) => event.type === 'message' && event.text === 'Over the socket'),
    )
    expect(events.filter((e) => e.type === 'message' && e.text === 'Over the socket')).toHaveLength(
      1,
    )
  })

  it('refuses what is no trigger in the error shape of every route', async () => {
    const forged = await send('{}', { secret: 'wrong-secret-000000000' })
    expect(forged.status).toBe(404)
    expect(forged.headers.get('connection')).toBe('close')
    expect(await forged.json()).toEqual({ code: 'NOT_FOUND', message: 'Not found' })
    const malformed = await send('{"interaction_hash":')
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'Request body is not valid JSON',
    })
    const poisoned = await send(`{"__proto__":{"x":1},"interaction_hash":"${conversationId}"}`)
    expect(poisoned.status).toBe(400)
    const wrongTypes = await send(JSON.stringify({ interaction_hash: 42, state: 'accepted' }))
    expect(wrongTypes.status).toBe(400)
    expect(await wrongTypes.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'Invalid zChat trigger',
      details: expect.any(Array),
    })
    const text = await send('hello', { headers: { 'content-type': 'text/plain' } })
    expect(text.status).toBe(415)
    expect(await text.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' })
  })

  it('answers 413 to a body past WEBHOOK_BODY_LIMIT_BYTES, declared or streamed', async () => {
    const big = JSON.stringify({ ...agentMessage('big', 'x'.repeat(200_000)) })
    const declared = await send(big)
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    const streamed = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
  })
})
