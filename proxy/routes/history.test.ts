/**
 * History after the event log has forgotten an ended conversation (ENDED_RETENTION_MINUTES): zChat's
 * external-history fetch still gets its messages, and its visitor, back after that, finds it as it
 * ended: the earlier messages and the end replayed, nothing sent into the finished interaction, and
 * a new chat that carries them. The log forgets by its own clock, which the test moves on.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type LoggedEvent, routes } from '../../protocol/wire.ts'
import {
  agent,
  type Harness,
  interaction,
  readEvents,
  readMetric,
  siteOrigin,
  startHarness,
} from '../testing/harness.ts'

let t = Date.now()
let h: Harness
beforeAll(async () => {
  h = await startHarness({ storeNow: () => t, limits: { endedRetentionMs: 60_000 } })
})
afterAll(() => h.close())

/**
 * Two minutes later, for the log: it forgets what ended more than a minute ago, once no stream
 * watches it (the server hears of a closed stream a moment after the browser closed it).
 */
async function twoMinutesPass(visitor: Visitor) {
  await vi.waitFor(async () => {
    t += 2 * 60_000
    h.log.sweep()
    expect(await h.log.status(visitor.conversationId)).toBeNull()
  })
}

const bearer = (credential: string) => ({
  authorization: `Bearer ${credential}`,
  origin: siteOrigin,
})

type Visitor = { conversationId: string; credential: string }

async function start(previous?: Visitor): Promise<Visitor> {
  const response = await h.app.inject({
    method: 'POST',
    url: routes.start,
    payload: {
      department: 1,
      ...(previous && {
        previous: { conversationId: previous.conversationId, credential: previous.credential },
      }),
    },
    headers: { origin: siteOrigin },
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json() as Visitor
}

const events = (visitor: Visitor, until: (events: LoggedEvent[]) => boolean) =>
  readEvents(
    `${h.url}${routes.events(visitor.conversationId)}`,
    bearer(visitor.credential),
    until,
  ).then((read) => read.events)

const ended = (all: LoggedEvent[]) => all.some((e) => e.type === 'finished')

/** A visitor asks, an agent answers and finishes; the visitor's stream saw it all. */
async function chatThatEnded() {
  const visitor = await start()
  const sent = await h.app.inject({
    method: 'POST',
    url: routes.messages(visitor.conversationId),
    payload: { clientId: `c-${visitor.conversationId}`, text: 'My parcel never came' },
    headers: bearer(visitor.credential),
  })
  expect(sent.statusCode).toBe(202)
  await agent(h.emulator, visitor.conversationId, 'accept')
  await agent(h.emulator, visitor.conversationId, 'messages', { content: 'It is on its way' })
  await agent(h.emulator, visitor.conversationId, 'finish')
  const seen = await events(visitor, ended)
  return { visitor, seen }
}

const earlier = [
  { direction: 'CLIENT', content: 'My parcel never came' },
  { direction: 'AGENT', content: 'It is on its way' },
]

type HistoryView = { externalHistory: { messages?: unknown[]; fetches?: number } | null }

/** zChat GETs the interaction's external history now, as it may any time (the emulator's control). */
async function fetchHistoryNow(hash: string) {
  const response = await fetch(
    `${h.emulator.url}/control/interactions/${encodeURIComponent(hash)}/history`,
    { method: 'POST' },
  )
  expect(response.status).toBe(200)
  return ((await response.json()) as HistoryView).externalHistory
}

async function zchatCalls(endpoint: string) {
  return readMetric((await h.metrics.render()).body, 'zchat_proxy_zchat_calls_total', { endpoint })
}

describe('history after the log forgot the conversation', () => {
  it('zChat still gets the earlier messages when it fetches the history later', async () => {
    const { visitor } = await chatThatEnded()
    const next = await start(visitor)
    await twoMinutesPass(visitor)
    expect((await fetchHistoryNow(next.conversationId))?.messages).toMatchObject(earlier)
  })

  it('a new chat started after it still carries the earlier messages to zChat', async () => {
    const { visitor } = await chatThatEnded()
    await twoMinutesPass(visitor)
    const next = await start(visitor)
    await expect
      .poll(
        async () =>
          ((await interaction(h.emulator, next.conversationId)) as unknown as HistoryView)
            .externalHistory?.messages,
      )
      .toMatchObject(earlier)
  })

  it('answers nothing of a transcript that was erased', async () => {
    const { visitor } = await chatThatEnded()
    const next = await start(visitor)
    await h.transcripts.erase(visitor.conversationId)
    await twoMinutesPass(visitor)
    expect((await fetchHistoryNow(next.conversationId))?.messages).toEqual([])
  })
})

describe('a visitor back after the log forgot their ended conversation', () => {
  it('sees its messages and its end again, as the stream showed them', async () => {
    const { visitor, seen } = await chatThatEnded()
    await twoMinutesPass(visitor)
    const replayed = await events(visitor, ended)
    const shown = (all: LoggedEvent[]) =>
      all.flatMap((e): object[] => {
        if (e.type === 'message') return [{ id: e.id, at: e.at, author: e.author, text: e.text }]
        return e.type === 'finished' ? [{ id: e.id, at: e.at, by: e.by }] : []
      })
    expect(shown(replayed)).toEqual(shown(seen))
    expect(shown(replayed)).toHaveLength(3)
  })

  it('writes into nothing: no call reaches the finished interaction, and the answer says it ended', async () => {
    const { visitor } = await chatThatEnded()
    await twoMinutesPass(visitor)
    const messagesBefore = await zchatCalls('message')
    const typingBefore = await zchatCalls('typing')
    const sent = await h.app.inject({
      method: 'POST',
      url: routes.messages(visitor.conversationId),
      payload: { clientId: 'back-00001', text: 'Hello again?' },
      headers: bearer(visitor.credential),
    })
    expect(sent.statusCode).toBe(409)
    expect(sent.json()).toMatchObject({ code: 'CONFLICT', message: 'This conversation has ended' })
    const typing = await h.app.inject({
      method: 'PUT',
      url: routes.typing(visitor.conversationId),
      headers: bearer(visitor.credential),
    })
    expect(typing.statusCode).toBe(409)
    expect(await zchatCalls('message')).toBe(messagesBefore)
    expect(await zchatCalls('typing')).toBe(typingBefore)
    const old = await interaction(h.emulator, visitor.conversationId)
    expect(old.messages.map((m) => m.content)).toEqual(['My parcel never came', 'It is on its way'])
  })

  it('can still rate the conversation, once', async () => {
    const { visitor } = await chatThatEnded()
    await twoMinutesPass(visitor)
    const rate = () =>
      h.app.inject({
        method: 'PUT',
        url: routes.rating(visitor.conversationId),
        payload: { mood: 'positive' },
        headers: bearer(visitor.credential),
      })
    expect((await rate()).statusCode).toBe(204)
    await twoMinutesPass(visitor)
    expect((await rate()).statusCode).toBe(409)
    expect((await interaction(h.emulator, visitor.conversationId)).mood).toBe('POSITIVE')
    const replayed = await events(visitor, (all) => all.some((e) => e.type === 'rated'))
    expect(replayed.map((e) => e.type)).toEqual(['message', 'message', 'finished', 'rated'])
  })
})
