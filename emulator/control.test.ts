import { Script } from 'node:vm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { script } from './console-script.ts'
import type { Interaction } from './interactions.ts'
import { triggerBody as trigger } from './schemas.ts'
import { call, eventually, type Setup, setup, startReceiver, token } from './testing/support.ts'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(() => s.close())
beforeEach(() => s.reset())

describe('interaction views', () => {
  it('lists every interaction with everything the agent sees', async () => {
    const hash = await s.start({ customer: { name: 'Ana' }, extra: { clientId: 'x' } })
    await s.api('PUT', `/interactions/${hash}/typing`, { token })
    const list = (await s.control('GET', '/interactions')).json as Interaction[]
    expect(list).toEqual([
      {
        hash,
        state: 'queued',
        departmentId: 1,
        mediaType: 'TEXT',
        customer: { name: 'Ana' },
        extra: { clientId: 'x' },
        position: 1,
        visitorTyping: true,
        agentTyping: false,
        agent: null,
        mood: null,
        note: null,
        tagIds: [],
        customerKey: null,
        createdAt: expect.any(String),
        externalHistory: null,
        messages: [],
      },
    ])
    expect((await s.control('GET', `/interactions/${hash}`)).json).toEqual(list[0])
  })

  it('answers 404 in the error shape for an unknown hash', async () => {
    const answer = await s.control('GET', '/interactions/nope')
    expect(answer.status).toBe(404)
    expect(answer.json).toEqual({ message: expect.stringContaining('nope'), status: 404 })
    const action = await s.control('POST', '/interactions/nope/accept')
    expect(action.status).toBe(404)
  })
})

describe('agent actions', () => {
  it('accept, typing, messages, cleared and finish answer with the updated view', async () => {
    const hash = await s.start()
    const path = `/interactions/${hash}`
    expect((await s.control('POST', `${path}/accept`, { agentName: 'Bruna' })).json).toMatchObject({
      state: 'accepted',
      position: null,
      agent: { name: 'Bruna' },
    })
    expect((await s.control('POST', `${path}/typing`)).json).toMatchObject({ agentTyping: true })
    const sent = await s.control('POST', `${path}/messages`, { content: 'Hi <b>there</b>' })
    expect((sent.json as Interaction).messages).toMatchObject([
      { direction: 'AGENT', content: 'Hi <b>there</b>', type: 'text', url: null },
    ])
    expect((await s.control('POST', `${path}/cleared`)).json).toMatchObject({ agentTyping: false })
    expect((await s.control('POST', `${path}/finish`)).json).toMatchObject({ state: 'finished' })
  })

  it('accepts a POST without any body', async () => {
    const hash = await s.start()
    const answer = await call(s.emulator.url, 'POST', `/control/interactions/${hash}/accept`)
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({ agent: { id: 111, name: 'Atendente' } })
  })

  it.each([
    ['accept an accepted interaction', ['accept'], 'accept'],
    ['type before accepting', [], 'typing'],
    ['stop typing before accepting', [], 'cleared'],
    ['send before accepting', [], 'messages'],
    ['finish twice', ['finish'], 'finish'],
    ['mark a finished interaction unavailable', ['finish'], 'unavailable'],
    ['accept an unavailable interaction', ['unavailable'], 'accept'],
    ['announce a position once accepted', ['accept'], 'queue'],
  ])('answers 409 when asked to %s', async (_case, before, action) => {
    const hash = await s.start()
    for (const step of before) await s.control('POST', `/interactions/${hash}/${step}`)
    const body =
      action === 'messages' ? { content: 'x' } : action === 'queue' ? { position: 2 } : {}
    const answer = await s.control('POST', `/interactions/${hash}/${action}`, body)
    expect(answer.status).toBe(409)
    expect(answer.json).toEqual({ message: expect.stringMatching(/^Cannot /), status: 409 })
  })

  it.each([
    ['blank text', { content: ' ' }],
    ['media without a URL', { content: 'x', type: 'image' }],
    ['an unknown type', { content: 'x', type: 'gif' }],
    ['an unknown field', { content: 'x', html: '<b>' }],
  ])('refuses an agent message with %s', async (_case, body) => {
    const hash = await s.start()
    await s.control('POST', `/interactions/${hash}/accept`)
    const answer = await s.control('POST', `/interactions/${hash}/messages`, body)
    expect(answer.status).toBe(400)
    expect(answer.json).toEqual({ message: expect.any(String), status: 400 })
  })

  it("announces a queue position of the caller's choosing", async () => {
    const hash = await s.start()
    const answer = await s.control('POST', `/interactions/${hash}/queue`, { position: 5 })
    expect(answer.json).toMatchObject({ state: 'queued', position: 5 })
    await eventually(() => expect(s.receiver.received).toHaveLength(2))
    expect(trigger.parse(s.receiver.received[1])).toEqual({
      interaction_hash: hash,
      state: 'queued',
      position: 5,
      extra: {},
    })
    expect((await s.control('POST', `/interactions/${hash}/queue`, { position: -1 })).status).toBe(
      400,
    )
  })
})

describe('reset', () => {
  it('forgets interactions, faults and the delivery log', async () => {
    await s.start()
    await s.control('POST', '/faults', { latencyMs: 5 })
    await eventually(async () => expect((await s.control('GET', '/webhooks')).json).toHaveLength(1))
    expect((await s.control('POST', '/reset')).status).toBe(200)
    expect((await s.control('GET', '/interactions')).json).toEqual([])
    expect((await s.control('GET', '/webhooks')).json).toEqual([])
    expect((await s.control('GET', '/faults')).json).toMatchObject({ latencyMs: 0 })
  })

  it('answers only once a trigger already on the wire has been answered', async () => {
    // Holds its answer, so the trigger is still on the wire when the reset comes.
    const slow = await startReceiver(() => 200)
    s.emulator.setWebhookUrl(slow.url)
    try {
      await s.start()
      await eventually(() => expect(slow.arrived).toHaveLength(1))
      await s.control('POST', '/reset')
      // Cutting the POST would not unsend it: the receiver would still act on it after the reset.
      expect(slow.received).toHaveLength(1)
      expect((await s.control('GET', '/webhooks')).json).toEqual([])
    } finally {
      s.emulator.setWebhookUrl(s.receiver.url)
      await slow.close()
    }
  })
})

/** Reads `data:` frames from the control stream until `count` arrived. */
async function frames(url: string, count: number, act: () => Promise<void>) {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) })
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const received: Interaction[][] = []
  const decoder = new TextDecoder()
  let buffer = ''
  let acted = false
  for await (const chunk of response.body ?? []) {
    buffer += decoder.decode(chunk, { stream: true })
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const data = buffer
        .slice(0, end)
        .split('\n')
        .find((line) => line.startsWith('data: '))
      buffer = buffer.slice(end + 2)
      if (data) received.push(JSON.parse(data.slice(6)) as Interaction[])
    }
    if (received.length >= count) break
    if (!acted) {
      acted = true
      await act()
    }
  }
  return received
}

describe('GET /control/stream', () => {
  it('sends the whole list at once and again after every change', async () => {
    let hash = ''
    const received = await frames(`${s.emulator.url}/control/stream`, 3, async () => {
      hash = await s.start({ customer: { name: 'Ana' } })
      await s.api('PUT', `/interactions/${hash}/typing`, { token })
    })
    expect(received[0]).toEqual([])
    expect(received[1]).toMatchObject([{ hash, state: 'queued', visitorTyping: false }])
    expect(received[2]).toMatchObject([{ hash, visitorTyping: true }])
  })

  it('does not keep close() waiting on an open stream', async () => {
    const other = await setup()
    const response = await fetch(`${other.emulator.url}/control/stream`)
    const reader = response.body?.getReader()
    await reader?.read()
    const started = Date.now()
    await other.close()
    expect(Date.now() - started).toBeLessThan(2000)
    expect((await reader?.read())?.done).toBe(true)
  })
})

describe('console', () => {
  it('serves the agent console, its script allowed by nonce only', async () => {
    const answer = await call(s.emulator.url, 'GET', '/console')
    expect(answer.status).toBe(200)
    expect(answer.contentType).toMatch(/^text\/html/)
    expect(answer.text).toContain('<h1>zChat emulator · Agent console</h1>')
    const response = await fetch(s.emulator.consoleUrl)
    const policy = response.headers.get('content-security-policy') ?? ''
    const nonce = /script-src 'nonce-([^']+)'/.exec(policy)?.[1]
    expect(nonce).toBeTruthy()
    expect(await response.text()).toContain(`<script nonce="${nonce}">`)
    // Data reaches the page as text only.
    expect(answer.text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
  })

  it('ships a script that at least compiles', () => {
    expect(() => new Script(script)).not.toThrow()
  })

  it('redirects the root to the console', async () => {
    const response = await fetch(`${s.emulator.url}/`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/console')
  })
})
