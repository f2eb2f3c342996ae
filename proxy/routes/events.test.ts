import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import {
  agentMessageTrigger,
  type Harness,
  openStream,
  postTrigger,
  readEvents,
  startConversation,
  startHarness,
} from '../testing/harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ limits: { heartbeatMs: 200 } })
})
afterAll(() => h.close())

const start = () => startConversation(h.url)
const say = (conversationId: string, text: string) =>
  postTrigger(h.url, agentMessageTrigger(conversationId, text))

describe('event stream', () => {
  it('replays exactly the events after Last-Event-ID, then goes on live', async () => {
    const { conversationId, headers } = await start()
    for (const hash of ['a', 'b', 'c']) await say(conversationId, hash)
    const url = `${h.url}${routes.events(conversationId)}`
    const all = await readEvents(url, headers, (e) => e.length >= 4)
    const ids = all.events.map((e) => e.id)
    expect(ids).toEqual([...ids].sort((x, y) => x - y))
    expect(new Set(ids).size).toBe(4)
    const resumed = await openStream(url, { ...headers, 'last-event-id': String(ids[1]) })
    // The replay first; then 'd', written once the stream is live.
    await resumed.waitFor((e) => e.length >= 2)
    await say(conversationId, 'd')
    const events = await resumed.waitFor((e) => e.length >= 3)
    resumed.close()
    expect(events.map((e) => e.type === 'message' && e.text)).toEqual(['b', 'c', 'd'])
    expect(events.slice(0, 2).map((e) => e.id)).toEqual(ids.slice(2))
  })

  it('takes a conversation up again after a restart emptied the log, and resumes above the old ids', async () => {
    const { conversationId, headers } = await start()
    await say(conversationId, 'before')
    const url = `${h.url}${routes.events(conversationId)}`
    const { events: seen } = await readEvents(url, headers, (e) => e.length >= 2)
    const lastSeen = seen.at(-1)!.id
    await h.restart()
    const resumed = await openStream(url, { ...headers, 'last-event-id': String(lastSeen) })
    // Its response has come: the stream is subscribed before 'after' is written.
    await say(conversationId, 'after')
    const events = await resumed.waitFor((e) => e.length >= 1)
    resumed.close()
    expect(events).toMatchObject([{ type: 'message', text: 'after' }])
    expect(events[0]!.id).toBeGreaterThan(lastSeen)
  })

  it('sends heartbeats on an idle stream', async () => {
    const { conversationId, headers } = await start()
    const pings = (comments: string[]) => comments.filter((c) => c === 'ping').length
    const { events, comments } = await readEvents(
      `${h.url}${routes.events(conversationId)}`,
      headers,
      (events, comments) => pings(comments) >= 2 && events.length > 0,
    )
    expect(pings(comments)).toBeGreaterThanOrEqual(2)
    // Heartbeats are comments: the conversation itself (one queued event) is untouched.
    expect(events.map((e) => e.type)).toEqual(['queued'])
  })

  it('refuses a bad Last-Event-ID and a missing credential', async () => {
    const { conversationId, headers } = await start()
    const url = `${h.url}${routes.events(conversationId)}`
    expect((await readEvents(url, { ...headers, 'last-event-id': 'abc' }, () => true)).status).toBe(
      400,
    )
    expect((await readEvents(url, {}, () => true)).status).toBe(401)
  })

  it('keeps at most eight streams per conversation (tabs), closing the oldest', async () => {
    const { conversationId, headers } = await start()
    const url = `${h.url}${routes.events(conversationId)}`
    // One after the other, so which stream is the oldest is known.
    const streams: ReadableStreamDefaultReader<Uint8Array>[] = []
    for (let i = 0; i < 8; i++) streams.push((await fetch(url, { headers })).body!.getReader())
    await (await fetch(url, { headers })).body!.cancel()
    // The oldest stream ends; the others stay open (they get heartbeats, not an end).
    const read = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
      for (;;) {
        const { done } = await reader.read()
        if (done) return 'closed'
      }
    }
    expect(await read(streams[0]!)).toBe('closed')
    const stillOpen = await Promise.race([
      read(streams[7]!),
      new Promise((r) => setTimeout(() => r('open'), 500)),
    ])
    expect(stillOpen).toBe('open')
    for (const reader of streams) await reader.cancel()
  })
})

describe('request logs', () => {
  it('answer a malformed URL in the house error shape', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/v1/conversations/%E0%A4%A/events' })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ code: 'VALIDATION_ERROR', message: 'Malformed URL' })
  })
})

describe('a stream whose credential runs out', () => {
  it('ends with an `expired` event instead of living on', async () => {
    const short = await startHarness({ limits: { heartbeatMs: 100 }, sessionTtlMs: 1000 })
    try {
      const { conversationId, headers } = await startConversation(short.url)
      const response = await fetch(`${short.url}${routes.events(conversationId)}`, { headers })
      expect(response.status).toBe(200)
      // The proxy ends the stream itself: reading to the end returns.
      const text = await response.text()
      expect(text).toMatch(/^event: expired\ndata: \{\}$/m)
      const again = await fetch(`${short.url}${routes.events(conversationId)}`, { headers })
      expect(again.status).toBe(401)
    } finally {
      await short.close()
    }
  })
})

describe('event stream of a conversation that outgrew its cap', () => {
  let small: Harness
  beforeAll(async () => {
    small = await startHarness({ limits: { maxEventsPerConversation: 3 } })
  })
  afterAll(() => small.close())

  /** The raw frames of a stream, until `until` holds for the text so far. */
  async function frames(url: string, headers: Record<string, string>, until: RegExp) {
    const controller = new AbortController()
    const response = await fetch(url, { headers, signal: controller.signal })
    let text = ''
    const decoder = new TextDecoder()
    for await (const chunk of response.body!) {
      text += decoder.decode(chunk as Uint8Array, { stream: true })
      if (until.test(text)) break
    }
    controller.abort()
    return text
  }

  it('tells a reader resuming from a dropped event to reload, and one that missed nothing not', async () => {
    const { conversationId, headers } = await startConversation(small.url)
    const url = `${small.url}${routes.events(conversationId)}`
    // Watched live while the log still holds every event, to learn each one's id.
    const live = await openStream(url, headers)
    for (const text of ['one', 'two', 'three', 'four', 'five']) {
      await postTrigger(small.url, agentMessageTrigger(conversationId, text))
    }
    await live.waitFor((e) => e.some((x) => x.type === 'message' && x.text === 'five'))
    live.close()
    const idOf = (text: string) =>
      live.events.find((e) => e.type === 'message' && e.text === text)!.id
    // Only the last three are kept: a reader that saw up to 'one' missed 'two'.
    const behind = await frames(url, { ...headers, 'last-event-id': String(idOf('one')) }, /five/)
    expect(behind).toMatch(/^: stream open\n\nevent: reset\ndata: \{\}\n\n/)
    expect(behind).toContain('"text":"three"')
    const upToDate = await frames(url, { ...headers, 'last-event-id': String(idOf('two')) }, /five/)
    expect(upToDate).not.toContain('event: reset')
    // A page that reads from the start (a reload, another tab) would take the last three for all.
    const fromStart = await frames(url, headers, /five/)
    expect(fromStart).toMatch(/^: stream open\n\nevent: reset\ndata: \{\}\n\n/)
    expect(fromStart).not.toContain('"text":"two"')
  })

  it('does not tell a reader from the start to reload while the log keeps everything', async () => {
    const { conversationId, headers } = await startConversation(small.url)
    await postTrigger(small.url, agentMessageTrigger(conversationId, 'only'))
    const text = await frames(`${small.url}${routes.events(conversationId)}`, headers, /only/)
    expect(text).not.toContain('event: reset')
  })
})
