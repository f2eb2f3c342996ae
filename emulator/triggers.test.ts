import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  isMessageTriggerBody as isMessageTrigger,
  startAnswer as startResponse,
  type TriggerBody as Trigger,
  triggerBody as trigger,
} from './schemas.ts'
import { startEmulator } from './server.ts'
import { call, eventually, type Setup, setup, startReceiver, token } from './testing/support.ts'
import type { Delivery } from './webhooks.ts'

let s: Setup
beforeAll(async () => {
  // Holds back the answer to the first trigger of each interaction: were deliveries not chained,
  // later triggers would overtake it.
  const seen = new Set<string>()
  s = await setup({}, (body) => {
    const hash = (body as { interaction_hash: string }).interaction_hash
    if (seen.has(hash)) return 0
    seen.add(hash)
    return 30
  })
})
afterAll(() => s.close())
beforeEach(() => s.reset())

/** Every trigger received for `hash`, each checked against the contract. */
function triggersFor(hash: string): Trigger[] {
  return s.receiver.received
    .map((body) => trigger.parse(body))
    .filter((t) => t.interaction_hash === hash)
}
const states = (hash: string) =>
  triggersFor(hash).map((t) => (isMessageTrigger(t) ? 'message' : `${t.state}${t.position ?? ''}`))

async function waitForStates(hash: string, expected: string[]) {
  await eventually(() => expect(states(hash)).toEqual(expected))
}

describe('state triggers', () => {
  it('sends queued with the 1-based position per department, echoing extra', async () => {
    const first = await s.start({ extra: { clientId: 'one', botId: 7 } })
    const second = await s.start({ department_id: 1 })
    const elsewhere = await s.start({ department_id: 2 })
    await waitForStates(first, ['queued1'])
    await waitForStates(second, ['queued2'])
    await waitForStates(elsewhere, ['queued1'])
    expect(s.receiver.received).toContainEqual({
      interaction_hash: first,
      state: 'queued',
      position: 1,
      extra: { clientId: 'one', botId: 7 },
    })
    expect(triggersFor(second)[0]).toEqual({
      interaction_hash: second,
      state: 'queued',
      position: 2,
      extra: {},
    })
  })

  it('moves everyone behind up when someone ahead is accepted, finishes or is unavailable', async () => {
    const [a, b, c, d] = [await s.start(), await s.start(), await s.start(), await s.start()]
    await waitForStates(d!, ['queued4'])
    await s.control('POST', `/interactions/${a}/accept`)
    await waitForStates(b!, ['queued2', 'queued1'])
    await waitForStates(d!, ['queued4', 'queued3'])
    await s.api('PUT', `/interactions/${c}/finish`, { token })
    await waitForStates(c!, ['queued3', 'queued2', 'finished'])
    await waitForStates(d!, ['queued4', 'queued3', 'queued2'])
    await s.control('POST', `/interactions/${b}/unavailable`)
    await waitForStates(b!, ['queued2', 'queued1', 'unavailable'])
    await waitForStates(d!, ['queued4', 'queued3', 'queued2', 'queued1'])
    expect((await s.control('GET', `/interactions/${d}`)).json).toMatchObject({ position: 1 })
    // Leaving an accepted interaction moves no one.
    await s.control('POST', `/interactions/${a}/finish`)
    await waitForStates(a!, ['queued1', 'accepted', 'finished'])
    expect(states(d!)).toEqual(['queued4', 'queued3', 'queued2', 'queued1'])
  })

  it('sends the agent side of a conversation in order, each with extra', async () => {
    const extra = { clientId: 'c-9' }
    const hash = await s.start({ extra })
    await s.control('POST', `/interactions/${hash}/accept`)
    await s.control('POST', `/interactions/${hash}/typing`)
    for (const n of [1, 2, 3]) {
      await s.control('POST', `/interactions/${hash}/messages`, { content: `Reply ${n}` })
    }
    await s.control('POST', `/interactions/${hash}/messages`, {
      content: 'A tent',
      type: 'image',
      url: 'https://example.com/tent.png',
    })
    await s.control('POST', `/interactions/${hash}/cleared`)
    await s.control('POST', `/interactions/${hash}/finish`)
    const expected = ['queued1', 'accepted', 'typing', 'message', 'message', 'message', 'message']
    await waitForStates(hash, [...expected, 'cleared', 'finished'])
    const received = triggersFor(hash)
    for (const t of received) expect(t.extra).toEqual(extra)
    const messages = received.filter(isMessageTrigger)
    expect(messages.map((m) => m.message.content)).toEqual([
      'Reply 1',
      'Reply 2',
      'Reply 3',
      'A tent',
    ])
    expect(new Set(messages.map((m) => m.message.hash)).size).toBe(4)
    expect(messages[0]).toEqual({
      interaction_hash: hash,
      message: { hash: expect.any(String), content: 'Reply 1', type: 'text', url: null },
      agent: { id: 111, name: 'Atendente' },
      extra,
    })
    expect(messages[3]?.message).toMatchObject({
      type: 'image',
      url: 'https://example.com/tent.png',
    })
  })

  it('names the agent who accepted', async () => {
    const hash = await s.start()
    await s.control('POST', `/interactions/${hash}/accept`, { agentName: 'Bruna' })
    await s.control('POST', `/interactions/${hash}/messages`, { content: 'Hi' })
    await waitForStates(hash, ['queued1', 'accepted', 'message'])
    const [message] = triggersFor(hash).filter(isMessageTrigger)
    expect(message?.agent).toEqual({ id: expect.any(Number), name: 'Bruna' })
    expect(message?.agent?.id).not.toBe(111)
  })

  it('sends finished when the visitor finishes through the API', async () => {
    const hash = await s.start({ extra: { a: 1 } })
    await s.control('POST', `/interactions/${hash}/accept`)
    await s.api('PUT', `/interactions/${hash}/finish`, { token })
    await waitForStates(hash, ['queued1', 'accepted', 'finished'])
    expect(triggersFor(hash)[2]).toEqual({
      interaction_hash: hash,
      state: 'finished',
      extra: { a: 1 },
    })
  })

  it('sends nothing for what the visitor does besides finishing', async () => {
    const hash = await s.start()
    await s.api('PUT', `/interactions/${hash}/typing`, { token })
    await s.api('POST', `/interactions/${hash}/messages`, { token, content: 'x' })
    await s.api('PUT', `/interactions/${hash}`, { token, mood: 'POSITIVE' })
    await s.control('POST', `/interactions/${hash}/accept`)
    await waitForStates(hash, ['queued1', 'accepted'])
  })
})

describe('delivery', () => {
  const log = async () => (await s.control('GET', '/webhooks')).json as Delivery[]

  it('answers the API before the webhook is delivered', async () => {
    const slow = await startReceiver(() => 1000)
    s.emulator.setWebhookUrl(slow.url)
    try {
      await s.start()
      // The receiver holds its answer for a second: a blocking delivery would have finished by now.
      expect(slow.received).toHaveLength(0)
      expect((await s.control('GET', '/webhooks')).json).toEqual([])
    } finally {
      s.emulator.setWebhookUrl(s.receiver.url)
      await slow.close()
    }
  })

  it('records each delivery with the status the receiver answered', async () => {
    s.receiver.respondWith(500)
    const hash = await s.start()
    await eventually(async () => expect(await log()).toHaveLength(1))
    expect(await log()).toEqual([
      {
        body: { interaction_hash: hash, state: 'queued', position: 1, extra: {} },
        status: 500,
        error: null,
        at: expect.any(String),
        attempt: 1,
      },
    ])
  })

  it('records a network error, and a missing URL, instead of a status', async () => {
    const closed = await startReceiver()
    await closed.close()
    s.emulator.setWebhookUrl(closed.url)
    await s.start()
    await eventually(async () => expect(await log()).toHaveLength(1))
    expect((await log())[0]).toMatchObject({ status: null, error: expect.stringMatching(/./) })
    s.emulator.setWebhookUrl(s.receiver.url)
  })

  it('records a missing webhook URL, and delivers once one is set', async () => {
    const bare = await startEmulator({ token })
    try {
      const started = await call(bare.apiUrl, 'POST', '/interactions', { token, department_id: 1 })
      const hash = startResponse.parse(started.json).data.interaction_hash
      const bareLog = async () => (await call(bare.url, 'GET', '/control/webhooks')).json
      await eventually(async () =>
        expect(await bareLog()).toMatchObject([
          { status: null, error: 'No webhook URL configured' },
        ]),
      )
      bare.setWebhookUrl(s.receiver.url)
      await call(bare.url, 'POST', `/control/interactions/${hash}/accept`)
      await waitForStates(hash, ['accepted'])
    } finally {
      await bare.close()
    }
  })
})
