import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { eventually, type Setup, setup, startFileServer, token } from './testing/support.ts'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(() => s.close())
beforeEach(() => s.reset())

const fault = (body: object) => s.control('POST', '/faults', body)
const count = async () => ((await s.control('GET', '/interactions')).json as unknown[]).length

describe('API faults', () => {
  it('delays every API answer by latencyMs, but not the control API', async () => {
    await fault({ latencyMs: 100 })
    let started = Date.now()
    await s.start()
    expect(Date.now() - started).toBeGreaterThanOrEqual(95)
    // A latency far above any scheduling noise, so the bound below holds on a loaded machine.
    await fault({ latencyMs: 3000 })
    started = Date.now()
    await s.control('GET', '/interactions')
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('fails the next calls with the given status, doing nothing, then recovers', async () => {
    await fault({ failNext: { status: 503, count: 2 } })
    for (const _ of [1, 2]) {
      const answer = await s.api('POST', '/interactions', { token, department_id: 1 })
      expect(answer.status).toBe(503)
      expect(answer.json).toEqual({ message: expect.any(String), status: 503 })
    }
    expect(await count()).toBe(0)
    await s.start()
    expect(await count()).toBe(1)
  })

  it('fails with the given error text, as a gateway in front of zChat might', async () => {
    const page = `<html>${'<p>Bad gateway</p>'.repeat(100)}</html>`
    await fault({ failNext: { status: 502, count: 1, message: page } })
    const answer = await s.api('POST', '/interactions', { token, department_id: 1 })
    expect(answer.json).toEqual({ message: page, status: 502 })
  })

  it('answers 200 with a body that is not JSON for the next garbageNext calls', async () => {
    const hash = await s.start()
    await fault({ garbageNext: 1 })
    const garbage = await s.api('POST', `/interactions/${hash}/messages`, { token, content: 'x' })
    expect(garbage.status).toBe(200)
    expect(garbage.json).toBeNull()
    expect(garbage.text.length).toBeGreaterThan(0)
    expect(garbage.contentType).toMatch(/^text\/html/)
    const ok = await s.api('POST', `/interactions/${hash}/messages`, { token, content: 'x' })
    expect(ok.json).toMatchObject({ status: 200 })
  })

  it('refuses an invalid fault, and reports the current ones', async () => {
    expect((await fault({ failNext: { status: 200, count: 1 } })).status).toBe(400)
    expect((await fault({ latency: 5 })).status).toBe(400)
    await fault({ latencyMs: 10 })
    await fault({ garbageNext: 2 })
    expect((await s.control('GET', '/faults')).json).toEqual({
      latencyMs: 10,
      failNext: null,
      unknownAs422: false,
      oddTriggers: false,
      historyDelayMs: 0,
      historyFetches: 1,
      garbageNext: 2,
      refuseMessageTypes: [],
      updatesAfterFinish: 'accept',
      duplicateWebhooks: false,
      webhookDelayMs: 0,
    })
  })

  it('answers HTTP 200 with an error body, doing nothing, when failNext says so', async () => {
    const hash = await s.start()
    await fault({ failNext: { status: 422, count: 1, as: 'body' } })
    const refused = await s.api('POST', `/interactions/${hash}/messages`, { token, content: 'x' })
    expect(refused.status).toBe(200)
    expect(refused.json).toEqual({ message: expect.any(String), status: 422 })
    expect((await s.control('GET', `/interactions/${hash}`)).json).toMatchObject({ messages: [] })
  })

  it('answers 422 instead of 404 for an unknown interaction when unknownAs422 is on', async () => {
    await fault({ unknownAs422: true })
    const answer = await s.api('PUT', '/interactions/no-such-hash/typing', { token })
    expect(answer.status).toBe(422)
    expect(answer.json).toEqual({ message: expect.stringMatching(/not found/), status: 422 })
  })
})

describe('what the document leaves open', () => {
  it('refuses messages of the given types with 422 while the interaction goes on', async () => {
    const hash = await s.start()
    await fault({ refuseMessageTypes: ['image'] })
    const picture = { token, content: 'foto', type: 'image', url: 'https://example.com/a.png' }
    const refused = await s.api('POST', `/interactions/${hash}/messages`, picture)
    expect(refused.status).toBe(422)
    expect(refused.json).toEqual({ message: expect.stringMatching(/image/), status: 422 })
    const text = await s.api('POST', `/interactions/${hash}/messages`, { token, content: 'oi' })
    expect(text.status).toBe(200)
    const typing = await s.api('PUT', `/interactions/${hash}/typing`, { token })
    expect(typing.status).toBe(200)
    expect((await s.control('GET', `/interactions/${hash}`)).json).toMatchObject({
      state: 'queued',
      messages: [{ content: 'oi', type: 'text' }],
    })
  })

  it('takes an update after finish by default, and refuses it when updatesAfterFinish says so', async () => {
    const rate = (hash: string) =>
      s.api('PUT', `/interactions/${hash}`, { token, mood: 'POSITIVE' })
    const first = await s.start()
    await s.api('PUT', `/interactions/${first}/finish`, { token })
    expect((await rate(first)).status).toBe(200)
    await fault({ updatesAfterFinish: 'refuse' })
    const second = await s.start()
    expect((await rate(second)).status).toBe(200)
    await s.api('PUT', `/interactions/${second}/finish`, { token })
    const refused = await rate(second)
    expect(refused.status).toBe(422)
    expect(refused.json).toEqual({ message: expect.stringMatching(/finished/), status: 422 })
  })

  it('sends unavailable after accepted, when the agent console says so', async () => {
    const hash = await s.start()
    await s.control('POST', `/interactions/${hash}/accept`)
    const marked = await s.control('POST', `/interactions/${hash}/unavailable`)
    expect(marked.status).toBe(200)
    await eventually(() => expect(s.receiver.received).toHaveLength(3))
    const states = s.receiver.received.map((body) => (body as { state: string }).state)
    expect(states).toEqual(['queued', 'accepted', 'unavailable'])
  })

  it('GETs the external history again whenever asked, as zChat may a day later', async () => {
    let gets = 0
    const files = await startFileServer(() => {
      gets++
      return {
        status: 200,
        body: `{"messages":[{"time":"2026-12-07 10:00:0${gets}","direction":"CLIENT","content":"n${gets}"}]}`,
      }
    })
    try {
      const hash = await s.start({ external_history: `${files.url}/history` })
      await eventually(() => expect(gets).toBe(1))
      const again = await s.control('POST', `/interactions/${hash}/history`)
      expect(again.status).toBe(200)
      expect(again.json).toMatchObject({
        externalHistory: { fetches: 2, messages: [{ content: 'n2' }] },
      })
      const without = await s.start()
      expect((await s.control('POST', `/interactions/${without}/history`)).status).toBe(409)
    } finally {
      await files.close()
    }
  })
})

describe('external history faults', () => {
  it('fetches the history late, and as often as historyFetches says', async () => {
    let gets = 0
    const files = await startFileServer(() => {
      gets++
      return { status: 200, body: '{"messages":[]}' }
    })
    try {
      await fault({ historyDelayMs: 200, historyFetches: 2 })
      const hash = await s.start({ external_history: `${files.url}/history` })
      const history = async () =>
        ((await s.control('GET', `/interactions/${hash}`)).json as { externalHistory: object })
          .externalHistory
      expect(await history()).toEqual({ url: `${files.url}/history` })
      await eventually(async () =>
        expect(await history()).toMatchObject({ fetches: 2, messages: [] }),
      )
      expect(gets).toBe(2)
    } finally {
      await files.close()
    }
  })
})

describe('webhook faults', () => {
  it('delivers every trigger twice', async () => {
    await fault({ duplicateWebhooks: true })
    const hash = await s.start()
    await s.control('POST', `/interactions/${hash}/accept`)
    await eventually(() => expect(s.receiver.received).toHaveLength(4))
    const states = s.receiver.received.map((body) => (body as { state: string }).state)
    expect(states).toEqual(['queued', 'queued', 'accepted', 'accepted'])
  })

  it('writes odd but readable fields when oddTriggers is on', async () => {
    await fault({ oddTriggers: true })
    const hash = await s.start()
    await s.control('POST', `/interactions/${hash}/accept`)
    await eventually(() => expect(s.receiver.received).toHaveLength(2))
    expect(s.receiver.received).toEqual([
      { interaction_hash: hash, state: 'QUEUED', position: '1', extra: [] },
      { interaction_hash: hash, state: 'ACCEPTED', extra: [] },
    ])
  })

  it('waits webhookDelayMs before each trigger', async () => {
    await fault({ webhookDelayMs: 150 })
    await s.start()
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(s.receiver.received).toHaveLength(0)
    await eventually(() => expect(s.receiver.received).toHaveLength(1))
  })
})
