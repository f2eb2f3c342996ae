import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Interaction } from './interactions.ts'
import {
  errorAnswer,
  messageAnswer,
  startAnswer,
  statusAnswer,
  type TriggerBody,
  triggerBody,
} from './schemas.ts'
import {
  eventually,
  type Setup,
  setup,
  startFileServer,
  startReceiver,
  token,
} from './testing/support.ts'
import type { Delivery } from './webhooks.ts'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(() => s.close())
beforeEach(() => s.reset())

const fault = (body: object) => s.control('POST', '/faults', body)
const count = async () => ((await s.control('GET', '/interactions')).json as unknown[]).length
const view = async (hash: string) =>
  (await s.control('GET', `/interactions/${hash}`)).json as Interaction
/** Every trigger sent so far, once delivered: what zChat sent, and what it did not. */
const settled = async (hash: string) => {
  const log = (await s.control('POST', '/webhooks/settle')).json as Delivery[]
  return log.map((d) => triggerBody.parse(d.body)).filter((body) => body.interaction_hash === hash)
}
const stateOf = (t: TriggerBody) =>
  'message' in t ? 'message' : `${t.state}${t.position === undefined ? '' : t.position}`

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
    expect((await fault({ historyTimeZone: 'Mars/Olympus_Mons' })).status).toBe(400)
    expect((await fault({ endedStatus: 500 })).status).toBe(400)
    expect((await s.control('GET', '/faults')).json).toEqual({
      latencyMs: 10,
      failNext: null,
      unknownAs422: false,
      tokenStatus: 401,
      clientSdkToken: null,
      startStatus: 200,
      emptyAnswers: false,
      endedStatus: 422,
      refuseMessageTypes: [],
      updatesAfterFinish: 'accept',
      finishTrigger: 'send',
      queuedPosition: 'from1',
      queueMoves: 'announce',
      queuedBeforeAnswer: false,
      oddTriggers: false,
      duplicateWebhooks: false,
      lostTriggers: [],
      webhookDelayMs: 0,
      webhookRetries: 0,
      webhookRetryDelayMs: 200,
      historyDelayMs: 0,
      historyFetches: 1,
      historyTimeZone: 'America/Sao_Paulo',
      garbageNext: 2,
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

describe('the answers the seed does not show', () => {
  it('answers a missing or wrong token with tokenStatus', async () => {
    expect((await s.api('POST', '/interactions', { department_id: 1 })).status).toBe(401)
    await fault({ tokenStatus: 403 })
    const refused = await s.api('POST', '/interactions', { token: 'nope', department_id: 1 })
    expect(refused.status).toBe(403)
    expect(errorAnswer.parse(refused.json)).toEqual({ message: expect.any(String), status: 403 })
    expect(await count()).toBe(0)
  })

  it("takes update's clientSdk token apart from the API token when clientSdkToken is set", async () => {
    const hash = await s.start()
    await fault({ clientSdkToken: 'client-sdk' })
    const withApiToken = await s.api('PUT', `/interactions/${hash}`, { token, mood: 'POSITIVE' })
    expect(withApiToken.status).toBe(401)
    const update = { token: 'client-sdk', mood: 'POSITIVE' }
    const withSdkToken = await s.api('PUT', `/interactions/${hash}`, update)
    expect(statusAnswer.parse(withSdkToken.json).status).toBe(200)
    expect((await s.api('PUT', `/interactions/${hash}/typing`, update)).status).toBe(401)
    expect((await s.api('PUT', `/interactions/${hash}/typing`, { token })).status).toBe(200)
    expect((await view(hash)).mood).toBe('POSITIVE')
  })

  it('answers a start with startStatus', async () => {
    await fault({ startStatus: 201 })
    const answer = await s.api('POST', '/interactions', { token, department_id: 1 })
    expect(answer.status).toBe(201)
    expect(startAnswer.parse(answer.json).data.interaction_hash).toMatch(/./)
  })

  it('answers typing, cleared and finish with 204 and no body when emptyAnswers is on', async () => {
    const hash = await s.start()
    await fault({ emptyAnswers: true })
    for (const action of ['typing', 'cleared', 'finish']) {
      const answer = await s.api('PUT', `/interactions/${hash}/${action}`, { token })
      expect(answer.status).toBe(204)
      expect(answer.text).toBe('')
    }
    expect((await view(hash)).state).toBe('finished')
    // Update's body is in the seed: it keeps it.
    const rated = await s.api('PUT', `/interactions/${hash}`, { token, mood: 'POSITIVE' })
    expect(statusAnswer.parse(rated.json).status).toBe(200)
  })
})

describe('calls on an ended interaction', () => {
  const calls = (hash: string) =>
    [
      ['POST', `/interactions/${hash}/messages`, { token, content: 'late' }],
      ['PUT', `/interactions/${hash}/typing`, { token }],
      ['PUT', `/interactions/${hash}/cleared`, { token }],
      ['PUT', `/interactions/${hash}/finish`, { token }],
    ] as const

  it.each([400, 404, 409, 422])('answers %i to each when endedStatus says so', async (status) => {
    await fault({ endedStatus: status })
    const finished = await s.start()
    await s.api('PUT', `/interactions/${finished}/finish`, { token })
    const unavailable = await s.start()
    await s.control('POST', `/interactions/${unavailable}/unavailable`)
    for (const hash of [finished, unavailable]) {
      for (const [method, path, body] of calls(hash)) {
        const answer = await s.api(method, path, body)
        expect(answer.status).toBe(status)
        expect(errorAnswer.parse(answer.json)).toEqual({
          message: expect.stringMatching(/finished|unavailable/),
          status,
        })
      }
      expect((await view(hash)).messages).toEqual([])
    }
  })

  it('takes each call as if the interaction were open when endedStatus is 200', async () => {
    await fault({ endedStatus: 200 })
    const hash = await s.start()
    await s.api('PUT', `/interactions/${hash}/finish`, { token })
    const [message, ...others] = calls(hash)
    const sent = await s.api(message[0], message[1], message[2])
    expect(messageAnswer.parse(sent.json).data.interaction_hash).toBe(hash)
    for (const [method, path, body] of others) {
      expect(statusAnswer.parse((await s.api(method, path, body)).json).status).toBe(200)
    }
    expect(await view(hash)).toMatchObject({
      state: 'finished',
      visitorTyping: false,
      messages: [{ direction: 'CLIENT', content: 'late' }],
    })
    // Finishing again sends no second `finished`.
    expect((await settled(hash)).map(stateOf)).toEqual(['queued1', 'finished'])
  })
})

describe('triggers the seed does not pin down', () => {
  it("sends no finished for the client's own finish when finishTrigger is omit", async () => {
    await fault({ finishTrigger: 'omit' })
    const byClient = await s.start()
    const byAgent = await s.start()
    await s.api('PUT', `/interactions/${byClient}/finish`, { token })
    await s.control('POST', `/interactions/${byAgent}/finish`)
    expect((await view(byClient)).state).toBe('finished')
    expect((await settled(byClient)).map(stateOf)).toEqual(['queued1'])
    // The agent's finish is the seed's "Agent finish interaction": still sent.
    expect((await settled(byAgent)).map(stateOf)).toEqual(['queued2', 'queued1', 'finished'])
  })

  it('counts queued positions from 0, or leaves them out, as queuedPosition says', async () => {
    await fault({ queuedPosition: 'from0' })
    const first = await s.start()
    const second = await s.start()
    expect((await settled(second)).map(stateOf)).toEqual(['queued1'])
    await fault({ queuedPosition: 'omit' })
    await s.control('POST', `/interactions/${first}/accept`)
    const bodies = await settled(second)
    expect(bodies.map(stateOf)).toEqual(['queued1', 'queued'])
    expect(bodies[1]).toEqual({ interaction_hash: second, state: 'queued', extra: {} })
    expect((await view(second)).position).toBe(1)
    expect((await view(first)).position).toBeNull()
  })

  it('sends no queued when the queue moves and queueMoves is silent', async () => {
    await fault({ queueMoves: 'silent' })
    const first = await s.start()
    const second = await s.start()
    await s.control('POST', `/interactions/${first}/accept`)
    expect((await view(second)).position).toBe(1)
    expect((await settled(second)).map(stateOf)).toEqual(['queued2'])
  })

  it('answers the start only once its queued trigger was delivered when queuedBeforeAnswer is on', async () => {
    const slow = await startReceiver(() => 300)
    s.emulator.setWebhookUrl(slow.url)
    try {
      await fault({ queuedBeforeAnswer: true })
      const hash = await s.start()
      expect(slow.received).toEqual([
        { interaction_hash: hash, state: 'queued', position: 1, extra: {} },
      ])
    } finally {
      s.emulator.setWebhookUrl(s.receiver.url)
      await slow.close()
    }
  })
})

describe('webhook retries', () => {
  const deliveries = async () => (await s.control('POST', '/webhooks/settle')).json as Delivery[]

  it('ignores the answer by default: a failed trigger is not sent again', async () => {
    s.receiver.respondWith(500, 200)
    const hash = await s.start()
    await s.control('POST', `/interactions/${hash}/accept`)
    expect((await deliveries()).map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [1, 200],
    ])
  })

  it('tries a failed trigger again, webhookRetries times at most, before the next one', async () => {
    await fault({ webhookRetries: 2, webhookRetryDelayMs: 10 })
    s.receiver.respondWith(500, 503, 200)
    const hash = await s.start()
    await s.control('POST', `/interactions/${hash}/accept`)
    const log = await deliveries()
    expect(log.map((d) => [stateOf(triggerBody.parse(d.body)), d.attempt, d.status])).toEqual([
      ['queued1', 1, 500],
      ['queued1', 2, 503],
      ['queued1', 3, 200],
      ['accepted', 1, 200],
    ])
    s.receiver.respondWith(500)
    await s.control('POST', `/interactions/${hash}/finish`)
    const failed = (await deliveries()).filter(
      (d) => stateOf(triggerBody.parse(d.body)) === 'finished',
    )
    expect(failed.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
    ])
    expect(
      s.receiver.received.filter((b) => stateOf(triggerBody.parse(b)) === 'finished'),
    ).toHaveLength(3)
  })

  it('tries again when the receiver cannot be reached', async () => {
    const closed = await startReceiver()
    await closed.close()
    s.emulator.setWebhookUrl(closed.url)
    try {
      await fault({ webhookRetries: 1, webhookRetryDelayMs: 0 })
      await s.start()
      expect((await deliveries()).map((d) => [d.attempt, d.status])).toEqual([
        [1, null],
        [2, null],
      ])
    } finally {
      s.emulator.setWebhookUrl(s.receiver.url)
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

  it("loses the triggers lostTriggers names: the agent's messages come with no accepted", async () => {
    await fault({ lostTriggers: ['accepted'] })
    const hash = await s.start()
    await s.control('POST', `/interactions/${hash}/accept`)
    await s.control('POST', `/interactions/${hash}/messages`, { content: 'Hello' })
    expect((await settled(hash)).map(stateOf)).toEqual(['queued1', 'message'])
    // Only the trigger is lost: zChat itself took the interaction.
    expect((await view(hash)).state).toBe('accepted')
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
