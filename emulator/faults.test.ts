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
    const asked = Date.now()
    await s.start()
    await eventually(() => expect(s.receiver.received).toHaveLength(1))
    // The log stamps a delivery as its POST starts; a busy machine can only make it later.
    const [delivery] = (await s.control('GET', '/webhooks')).json as { at: string }[]
    expect(Date.parse(delivery?.at ?? '') - asked).toBeGreaterThanOrEqual(145)
  })
})
