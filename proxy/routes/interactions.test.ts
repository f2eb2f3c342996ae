import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import {
  agent,
  type Harness,
  type InteractionView,
  interaction,
  readEvents,
  siteOrigin,
  startHarness,
  testToken,
} from '../testing/harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h.close())

async function start(body: object = { department: 1, visitor: { name: 'Ana' } }) {
  const response = await h.app.inject({
    method: 'POST',
    url: routes.start,
    payload: body,
    headers: { origin: siteOrigin },
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json() as { conversationId: string; credential: string; expiresAt: string }
}
const bearer = (credential: string) => ({
  authorization: `Bearer ${credential}`,
  origin: siteOrigin,
})

/** The visitor's message call, as the widget makes it. */
const sendMessage = (conversationId: string, credential: string, clientId: string, text: string) =>
  h.app.inject({
    method: 'POST',
    url: routes.messages(conversationId),
    payload: { clientId, text },
    headers: bearer(credential),
  })

describe('start', () => {
  it('creates a zChat interaction with the visitor as customer and never returns the token', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: routes.start,
      payload: {
        department: 2,
        visitor: { name: 'Ana', email: 'ana@example.com' },
        page: { url: `${siteOrigin}/shoes`, title: 'Shoes' },
      },
      headers: { origin: siteOrigin },
    })
    expect(response.statusCode).toBe(201)
    expect(response.body).not.toContain(testToken)
    const { conversationId } = response.json()
    const view = await interaction(h.emulator, conversationId)
    expect(view.customer).toMatchObject({ name: 'Ana', email: 'ana@example.com' })
    expect(view.extra).toEqual({
      widget_channel: 'web',
      widget_identity_verified: false,
      widget_page_url: `${siteOrigin}/shoes`,
      widget_page_title: 'Shoes',
    })
  })

  it("passes the site's extra to zChat with its keys intact, next to the widget's own", async () => {
    const { conversationId } = await start({
      department: 1,
      extra: { clientId: 'c-1', botId: 'b-9', plan: 'gold', vip: true, score: 7, note: null },
      page: { url: `${siteOrigin}/` },
    })
    expect((await interaction(h.emulator, conversationId)).extra).toEqual({
      clientId: 'c-1',
      botId: 'b-9',
      plan: 'gold',
      vip: true,
      score: 7,
      note: null,
      widget_channel: 'web',
      widget_identity_verified: false,
      widget_page_url: `${siteOrigin}/`,
    })
  })

  it("passes the page's URL only when it is a web page of an allowed site, and starts all the same", async () => {
    const extraFor = async (url: string) => {
      const { conversationId } = await start({ department: 1, page: { url, title: 'Checkout' } })
      return (await interaction(h.emulator, conversationId)).extra
    }
    for (const url of [
      'javascript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'https://site.example.evil.example/login',
      // Another scheme of the allowed site is another origin.
      'https://site.example/',
      'file:///etc/passwd',
      'not a url',
    ]) {
      const extra = await extraFor(url)
      expect(extra, url).not.toHaveProperty('widget_page_url')
      // The rest of what the page said goes on.
      expect(extra, url).toMatchObject({ widget_page_title: 'Checkout' })
    }
    // A user name and password in the address never reach the agent.
    expect(await extraFor('http://ana:hunter2@site.example/account')).toMatchObject({
      widget_page_url: `${siteOrigin}/account`,
    })
  })

  it("takes control and format characters out of the visitor's name, phone and the page's title", async () => {
    // U+202E turns the rest of a line around, U+2066 and U+2069 isolate it, U+200B and the tag
    // characters are invisible, BEL and a line break are controls.
    const { conversationId } = await start({
      department: 1,
      visitor: {
        name: 'Ana \u202eazuoS\u202c Maria\u0007\u200b\u{e0041}',
        phone: '\u206611 99141-7777\u2069',
      },
      page: { url: `${siteOrigin}/`, title: 'Shoes\nSale\u200f' },
    })
    const view = await interaction(h.emulator, conversationId)
    expect(view.customer).toEqual({ name: 'Ana azuoS Maria', phone: '11991417777' })
    expect(view.extra).toMatchObject({ widget_page_title: 'Shoes Sale' })
    // ZWNJ is part of how Persian names are spelt: it stays.
    const persian = await start({ department: 1, visitor: { name: 'مهدی\u200cپور' } })
    expect((await interaction(h.emulator, persian.conversationId)).customer).toEqual({
      name: 'مهدی\u200cپور',
    })
  })

  it('sends the phone as digits, as zChat shows it', async () => {
    const { conversationId } = await start({
      department: 1,
      visitor: { name: 'Ana', phone: '+55 (11) 99141-7777' },
    })
    expect((await interaction(h.emulator, conversationId)).customer).toEqual({
      name: 'Ana',
      phone: '11991417777',
    })
  })

  it('rejects bad input with a clear error and creates nothing', async () => {
    const cases = [
      { payload: '{"department": 1', status: 400, code: 'VALIDATION_ERROR' },
      { payload: { department: 'one' }, status: 400, code: 'VALIDATION_ERROR' },
      { payload: { department: 1.5 }, status: 400, code: 'VALIDATION_ERROR' },
      { payload: {}, status: 400, code: 'VALIDATION_ERROR' },
      {
        payload: { department: 1, visitor: { email: 'not-an-email' } },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      { payload: { department: 1, extra: 'field' }, status: 400, code: 'VALIDATION_ERROR' },
      {
        payload: { department: 1, page: { url: 'x'.repeat(20_000) } },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      { payload: { department: 99 }, status: 422, code: 'UNPROCESSABLE' },
      { payload: { department: 1, extra: ['a'] }, status: 400, code: 'VALIDATION_ERROR' },
      {
        payload: { department: 1, extra: { widget_channel: 'x' } },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        payload: { department: 1, extra: { nested: { a: 1 } } },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        payload: { department: 1, extra: { long: 'x'.repeat(501) } },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
    ]
    const before = (await (
      await fetch(`${h.emulator.url}/control/interactions`)
    ).json()) as unknown[]
    for (const { payload, status, code } of cases) {
      const response = await h.app.inject({
        method: 'POST',
        url: routes.start,
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        headers: { 'content-type': 'application/json', origin: siteOrigin },
      })
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(status)
      expect(response.json()).toMatchObject({ code, message: expect.any(String) })
    }
    const after = (await (
      await fetch(`${h.emulator.url}/control/interactions`)
    ).json()) as unknown[]
    expect(after).toHaveLength(before.length)
  })

  it('answers 415 to a body that is not JSON', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: routes.start,
      payload: 'department=1',
      headers: { 'content-type': 'text/plain', origin: siteOrigin },
    })
    expect(response.statusCode).toBe(415)
    expect(response.json().code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it('refuses a call from a site that is not allowed', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: routes.start,
      payload: { department: 1 },
      headers: { origin: 'https://evil.example' },
    })
    expect(response.statusCode).toBe(403)
    expect(response.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('a conversation', () => {
  it('carries messages both ways and logs them in order for the event stream', async () => {
    const { conversationId, credential } = await start()
    const sent = await sendMessage(conversationId, credential, 'client-0001', 'Hello')
    expect(sent.statusCode).toBe(202)
    await agent(h.emulator, conversationId, 'accept', { agentName: 'Bruna' })
    await agent(h.emulator, conversationId, 'typing')
    await agent(h.emulator, conversationId, 'messages', { content: 'Hi Ana!' })
    const { events } = await readEvents(
      `${h.url}${routes.events(conversationId)}`,
      bearer(credential),
      (e) => e.some((x) => x.type === 'message' && x.author === 'agent'),
    )
    expect(events.map((e) => e.type)).toEqual([
      'queued',
      'message',
      'accepted',
      'typing',
      'message',
    ])
    const ids = events.map((e) => e.id)
    expect(ids).toEqual([...ids].sort((x, y) => x - y))
    expect(events[4]).toMatchObject({ author: 'agent', text: 'Hi Ana!', agentName: 'Bruna' })
    expect((await interaction(h.emulator, conversationId)).messages).toMatchObject([
      { direction: 'CLIENT', content: 'Hello' },
      { direction: 'AGENT', content: 'Hi Ana!' },
    ])
  })

  it('sends a retried message to zChat once', async () => {
    const { conversationId, credential } = await start()
    const send = () => sendMessage(conversationId, credential, 'retry-0001', 'Once')
    const [a, b] = await Promise.all([send(), send()])
    const c = await send()
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([202, 202, 202])
    expect(new Set([a.json().eventId, b.json().eventId, c.json().eventId]).size).toBe(1)
    expect(
      (await interaction(h.emulator, conversationId)).messages.filter((m) => m.content === 'Once'),
    ).toHaveLength(1)
  })

  it('forwards typing, cleared, finish and the rating to zChat', async () => {
    const { conversationId, credential } = await start()
    for (const path of [routes.typing, routes.cleared]) {
      const response = await h.app.inject({
        method: 'PUT',
        url: path(conversationId),
        headers: bearer(credential),
      })
      expect(response.statusCode).toBe(204)
    }
    const finish = await h.app.inject({
      method: 'PUT',
      url: routes.finish(conversationId),
      headers: bearer(credential),
    })
    expect(finish.statusCode).toBe(204)
    expect((await interaction(h.emulator, conversationId)).state).toBe('finished')
    const late = await sendMessage(conversationId, credential, 'late-0001', 'Hello?')
    expect(late.statusCode).toBe(409)
    const rating = await h.app.inject({
      method: 'PUT',
      url: routes.rating(conversationId),
      payload: { mood: 'positive', comment: 'Great help' },
      headers: bearer(credential),
    })
    expect(rating.statusCode).toBe(204)
    expect(await interaction(h.emulator, conversationId)).toMatchObject({
      mood: 'POSITIVE',
      note: 'Great help',
    })
    const again = await h.app.inject({
      method: 'PUT',
      url: routes.rating(conversationId),
      payload: { mood: 'negative' },
      headers: bearer(credential),
    })
    expect(again.statusCode).toBe(409)
    const { events } = await readEvents(
      `${h.url}${routes.events(conversationId)}`,
      bearer(credential),
      (e) => e.some((x) => x.type === 'rated'),
    )
    expect(events.filter((e) => e.type === 'finished')).toEqual([
      expect.objectContaining({ by: 'visitor' }),
    ])
  })
})

describe('visitor credentials', () => {
  it("keep a second visitor out of the first one's conversation", async () => {
    const first = await start()
    const second = await start()
    const post = await sendMessage(first.conversationId, second.credential, 'intruder-01', 'Hijack')
    expect(post.statusCode).toBe(403)
    const read = await readEvents(
      `${h.url}${routes.events(first.conversationId)}`,
      bearer(second.credential),
      () => true,
    )
    expect(read.status).toBe(403)
    const none = await h.app.inject({
      method: 'PUT',
      url: routes.finish(first.conversationId),
      headers: { origin: siteOrigin },
    })
    expect(none.statusCode).toBe(401)
    const forged = await h.app.inject({
      method: 'PUT',
      url: routes.finish(first.conversationId),
      headers: bearer(
        `v1.${Buffer.from(JSON.stringify({ c: first.conversationId, e: Date.now() + 1e6 })).toString('base64url')}.AAAA`,
      ),
    })
    expect(forged.statusCode).toBe(401)
    const view = await interaction(h.emulator, first.conversationId)
    expect(view.state).toBe('queued')
    expect(view.messages).toEqual([])
  })
})

describe('zChat failures', () => {
  async function fault(body: object) {
    await fetch(`${h.emulator.url}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  }

  it('maps a zChat error status, garbage and a timeout to 502 / 504 and loses the conversation nothing', async () => {
    const { conversationId, credential } = await start()
    const send = (clientId: string) =>
      h.app.inject({
        method: 'POST',
        url: routes.messages(conversationId),
        payload: { clientId, text: 'Are you there?' },
        headers: bearer(credential),
      })
    await fault({ failNext: { status: 500, count: 1 } })
    expect((await send('fail-00001')).json()).toMatchObject({ code: 'UPSTREAM_ERROR' })
    await fault({ garbageNext: 1 })
    const garbage = await send('fail-00001')
    expect(garbage.statusCode).toBe(502)
    await fault({ latencyMs: 2500 })
    const slow = await send('fail-00001')
    expect(slow.statusCode).toBe(504)
    expect(slow.json().code).toBe('UPSTREAM_TIMEOUT')
    await fault({ latencyMs: 0 })
    const ok = await send('fail-00001')
    expect(ok.statusCode).toBe(202)
    const messages = (await interaction(h.emulator, conversationId)).messages
    // The timed-out call may have reached zChat before the proxy gave up; the retry is still one log entry.
    expect(messages.length).toBeGreaterThanOrEqual(1)
  })

  it('takes an HTTP 200 whose body states an error as the refusal it is', async () => {
    const { conversationId, credential } = await start()
    await fault({ failNext: { status: 500, count: 1, as: 'body' } })
    const sent = await sendMessage(conversationId, credential, 'body-00001', 'Did this arrive?')
    // Not "sent": the widget keeps it and offers a retry.
    expect(sent.statusCode).toBe(502)
    expect(sent.json()).toMatchObject({ code: 'UPSTREAM_ERROR' })

    await h.app.inject({
      method: 'PUT',
      url: routes.finish(conversationId),
      headers: bearer(credential),
    })
    await fault({ failNext: { status: 422, count: 1, as: 'body' } })
    const rate = () =>
      h.app.inject({
        method: 'PUT',
        url: routes.rating(conversationId),
        payload: { mood: 'negative', comment: 'Slow' },
        headers: bearer(credential),
      })
    const refused = await rate()
    expect(refused.statusCode).toBe(422)
    expect((await interaction(h.emulator, conversationId)).mood).toBeNull()
    // The refused rating was not recorded as done: the visitor may rate again, and it lands.
    expect((await rate()).statusCode).toBe(204)
    expect(await interaction(h.emulator, conversationId)).toMatchObject({
      mood: 'NEGATIVE',
      note: 'Slow',
    })
  })
})

describe('earlier history', () => {
  it('shows the agent what the visitor said in their previous conversation', async () => {
    const first = await start()
    await sendMessage(
      first.conversationId,
      first.credential,
      'history-001',
      'My order #123 is late',
    )
    await agent(h.emulator, first.conversationId, 'accept')
    await agent(h.emulator, first.conversationId, 'messages', { content: 'Checking it now' })
    await readEvents(
      `${h.url}${routes.events(first.conversationId)}`,
      bearer(first.credential),
      (e) => e.some((x) => x.type === 'message' && x.author === 'agent'),
    )
    const second = await start({
      department: 1,
      previous: { conversationId: first.conversationId, credential: first.credential },
    })
    await expect
      .poll(
        async () =>
          (
            (await interaction(h.emulator, second.conversationId)) as InteractionView & {
              externalHistory: { messages?: unknown[] } | null
            }
          ).externalHistory?.messages,
      )
      .toMatchObject([
        { direction: 'CLIENT', content: 'My order #123 is late' },
        { direction: 'AGENT', content: 'Checking it now' },
      ])
  })

  it('answers the history however late and however often zChat fetches it', async () => {
    const first = await start()
    await sendMessage(
      first.conversationId,
      first.credential,
      'history-late1',
      'Still waiting for my refund',
    )
    await fetch(`${h.emulator.url}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ historyDelayMs: 300, historyFetches: 2 }),
    })
    try {
      const second = await start({
        department: 1,
        previous: { conversationId: first.conversationId, credential: first.credential },
      })
      const history = async () =>
        (
          (await interaction(h.emulator, second.conversationId)) as InteractionView & {
            externalHistory: { messages?: unknown[]; error?: string; fetches?: number } | null
          }
        ).externalHistory
      await expect.poll(async () => (await history())?.fetches, { timeout: 5000 }).toBe(2)
      expect(await history()).toMatchObject({
        messages: [{ direction: 'CLIENT', content: 'Still waiting for my refund' }],
      })
      expect((await history())?.error).toBeUndefined()
    } finally {
      await fetch(`${h.emulator.url}/control/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ historyDelayMs: 0, historyFetches: 1 }),
      })
    }
  })

  it('passes no history for a previous conversation the visitor cannot prove is theirs', async () => {
    const first = await start()
    const other = await start()
    const second = await start({
      department: 1,
      previous: { conversationId: first.conversationId, credential: other.credential },
    })
    expect(
      (
        (await interaction(h.emulator, second.conversationId)) as InteractionView & {
          externalHistory: unknown
        }
      ).externalHistory,
    ).toBeNull()
  })

  it('refuses a forged history ticket', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/v1/history/v1.eyJjIjoieCIsImUiOjk5OTk5OTk5OTk5OTl9.AAAA',
    })
    expect(response.statusCode).toBe(401)
  })
})
