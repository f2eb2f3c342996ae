import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../protocol/wire.ts'
import { type Harness, readEvents, siteOrigin, startHarness, webhookSecret } from '../testing.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ heartbeatMs: 200 })
})
afterAll(() => h.close())

async function start() {
  const started = await h.app.inject({
    method: 'POST',
    url: routes.start,
    payload: { department: 1 },
    headers: { origin: siteOrigin },
  })
  const { conversationId, credential } = started.json()
  return {
    conversationId: conversationId as string,
    headers: { authorization: `Bearer ${credential}` },
  }
}
const say = (conversationId: string, hash: string) =>
  h.app.inject({
    method: 'POST',
    url: `/webhooks/zchat/${webhookSecret}`,
    payload: {
      interaction_hash: conversationId,
      message: { hash, content: hash, type: 'text' },
      agent: { id: 1, name: 'A' },
      extra: {},
    },
  })

describe('event stream', () => {
  it('replays exactly the events after Last-Event-ID, then goes on live', async () => {
    const { conversationId, headers } = await start()
    for (const hash of ['a', 'b', 'c']) await say(conversationId, hash)
    const url = `${h.url}${routes.events(conversationId)}`
    const all = await readEvents(url, headers, (e) => e.length >= 4)
    expect(all.events.map((e) => e.id)).toEqual([1, 2, 3, 4])
    const resumed = readEvents(url, { ...headers, 'last-event-id': '2' }, (e) => e.length >= 3)
    setTimeout(() => void say(conversationId, 'd'), 100)
    const { events } = await resumed
    expect(events.map((e) => [e.id, e.type === 'message' && e.text])).toEqual([
      [3, 'b'],
      [4, 'c'],
      [5, 'd'],
    ])
  })

  it('sends heartbeats on an idle stream', async () => {
    const { conversationId, headers } = await start()
    const started = Date.now()
    const { comments } = await readEvents(
      `${h.url}${routes.events(conversationId)}`,
      headers,
      () => Date.now() - started > 700,
    )
    expect(comments.filter((c) => c === 'ping').length).toBeGreaterThanOrEqual(2)
  })

  it('refuses a bad Last-Event-ID and a missing credential', async () => {
    const { conversationId, headers } = await start()
    const url = `${h.url}${routes.events(conversationId)}`
    expect((await readEvents(url, { ...headers, 'last-event-id': 'abc' }, () => true)).status).toBe(
      400,
    )
    expect((await readEvents(url, {}, () => true)).status).toBe(401)
  })
})
