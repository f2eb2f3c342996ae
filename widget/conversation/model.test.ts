import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { exclusive } from '../tabs/exclusive.ts'
import {
  createFakeTransport,
  fakeLocks,
  future,
  laggingSessions,
  memorySessionStore,
  ongoingSession,
} from '../testing/fakes.ts'
import { HttpFailure, NetworkFailure } from './failure.ts'
import { type ConversationDeps, createConversationModel } from './model.ts'

function setup(overrides: Partial<ConversationDeps> = {}, session = memorySessionStore()) {
  const fake = createFakeTransport()
  let n = 0
  const onAgentMessage = vi.fn()
  const onPhase = vi.fn()
  const model = createConversationModel({
    transport: fake.transport,
    session,
    startContext: () => ({ department: 1, page: { url: 'https://shop.test/', title: 'Shop' } }),
    newClientId: () => `client-${++n}`,
    onAgentMessage,
    onPhase,
    ...overrides,
  })
  return { model, fake, session, onAgentMessage, onPhase }
}

/** Let pending promise callbacks run (fake timers do not advance by themselves). */
const settle = () => vi.advanceTimersByTimeAsync(0)

async function chatting(overrides: Partial<ConversationDeps> = {}) {
  const t = setup(overrides)
  t.model.restore()
  t.model.setDraft('Hello')
  t.model.send()
  await settle()
  t.fake.accept('Hello')
  return t
}

const visitorOf = (entries: ReturnType<typeof setup>['model']['transcript']['value']) =>
  entries.filter((e) => e.kind === 'visitor').map((e) => `${e.text}:${e.delivery}`)

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('starting a conversation', () => {
  it('starts with the first message, sending the profile, department and page, then posts it', async () => {
    const { model, fake, session } = setup()
    model.restore()
    expect(model.phase.value.name).toBe('prechat')
    model.setProfile({ name: ' Ada ', email: 'ada@example.com' })
    model.setDraft('  Where is my order?  ')
    model.send()
    expect(model.phase.value.name).toBe('starting')
    expect(model.draft.value).toBe('')
    expect(visitorOf(model.transcript.value)).toEqual(['Where is my order?:sending'])
    await settle()
    expect(fake.transport.start).toHaveBeenCalledWith({
      department: 1,
      page: { url: 'https://shop.test/', title: 'Shop' },
      visitor: { name: 'Ada', email: 'ada@example.com' },
    })
    expect(session.load()).toMatchObject({
      conversationId: 'c1',
      credential: 'k1',
      finished: false,
    })
    expect(fake.transport.subscribe).toHaveBeenCalledWith(
      { conversationId: 'c1', credential: 'k1' },
      expect.anything(),
    )
    expect(fake.transport.send).toHaveBeenCalledWith(
      { conversationId: 'c1', credential: 'k1' },
      { clientId: 'client-1', text: 'Where is my order?' },
    )
    expect(model.phase.value).toEqual({ name: 'queued', position: null })
    expect(visitorOf(model.transcript.value)).toEqual(['Where is my order?:sent'])
  })

  it('sends what the visitor writes while the start is pending once it answers: in order, once each', async () => {
    const { model, fake } = setup()
    let answer = () => {}
    fake.transport.start.mockImplementationOnce(
      () =>
        new Promise((resolve) => {
          answer = () => resolve({ conversationId: 'c1', credential: 'k1', expiresAt: future })
        }),
    )
    model.restore()
    model.setDraft('First')
    model.send()
    await settle()
    model.setDraft('Second')
    model.send()
    // Long enough for every retry the outbox would make.
    await vi.advanceTimersByTimeAsync(10_000)
    expect(model.phase.value.name).toBe('starting')
    expect(fake.transport.send).not.toHaveBeenCalled()
    expect(visitorOf(model.transcript.value)).toEqual(['First:sending', 'Second:sending'])
    answer()
    await settle()
    expect(fake.transport.send.mock.calls.map((c) => c[1])).toEqual([
      { clientId: 'client-1', text: 'First' },
      { clientId: 'client-2', text: 'Second' },
    ])
    expect(visitorOf(model.transcript.value)).toEqual(['First:sent', 'Second:sent'])
  })

  it('starts without a profile when the form is skipped', async () => {
    const { model, fake } = setup()
    model.restore()
    model.setDraft('Hi')
    model.send()
    await settle()
    expect(fake.transport.start.mock.calls[0]?.[0]).not.toHaveProperty('visitor')
  })

  it('refuses an invalid email and keeps the draft', () => {
    const { model, fake } = setup()
    model.restore()
    model.setProfile({ email: 'not-an-email' })
    model.setDraft('Hi')
    model.send()
    expect(model.prechat.problems.value).toEqual({ email: 'invalid' })
    expect(model.draft.value).toBe('Hi')
    expect(fake.transport.start).not.toHaveBeenCalled()
    model.setProfile({ email: '' })
    expect(model.prechat.problems.value).toEqual({})
  })

  it('does not send an empty or over-long message', () => {
    const { model } = setup()
    model.restore()
    model.setDraft('   ')
    model.send()
    expect(model.transcript.value).toEqual([])
    model.setDraft('x'.repeat(4001))
    model.send()
    expect(model.alert.value).toBe('too-long')
    expect(model.phase.value.name).toBe('prechat')
  })

  it('fails retryably when the proxy cannot be reached, and Try again sends the waiting message', async () => {
    const { model, fake } = setup()
    fake.transport.start.mockRejectedValueOnce(new NetworkFailure('POST', 'u', 'x'))
    model.restore()
    model.setDraft('Hi')
    model.send()
    await settle()
    expect(model.phase.value).toEqual({ name: 'failed', reason: 'offline', retryable: true })
    model.tryAgain()
    await settle()
    expect(model.phase.value.name).toBe('queued')
    expect(fake.transport.send).toHaveBeenCalledOnce()
    expect(visitorOf(model.transcript.value)).toEqual(['Hi:sent'])
  })

  it('reports a rate limit as busy and a refusal as not retryable', async () => {
    const busy = setup()
    busy.fake.transport.start.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 429, 'RATE_LIMITED', 1000),
    )
    busy.model.restore()
    busy.model.setDraft('Hi')
    busy.model.send()
    await settle()
    expect(busy.model.phase.value).toMatchObject({ reason: 'busy', retryable: true })

    const refused = setup()
    refused.fake.transport.start.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 404, 'NOT_FOUND', undefined),
    )
    refused.model.restore()
    refused.model.setDraft('Hi')
    refused.model.send()
    await settle()
    expect(refused.model.phase.value).toMatchObject({ reason: 'rejected', retryable: false })
  })
})

describe('the outbox', () => {
  it('retries a transient failure by itself', async () => {
    const { model, fake } = await chatting()
    fake.transport.send.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 502, 'UPSTREAM_ERROR', undefined),
    )
    model.setDraft('Again')
    model.send()
    await settle()
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Again:sending')
    await vi.advanceTimersByTimeAsync(1_000)
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Again:sent')
    expect(fake.transport.send.mock.calls.map((c) => c[1].clientId)).toEqual([
      'client-1',
      'client-2',
      'client-2',
    ])
  })

  it('marks a message failed after repeated failures; Retry sends it with the same clientId', async () => {
    const { model, fake } = await chatting()
    fake.transport.send.mockRejectedValue(new NetworkFailure('POST', 'u', 'x'))
    model.setDraft('Lost')
    model.send()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Lost:failed')
    expect(fake.transport.send).toHaveBeenCalledTimes(4)
    fake.transport.send.mockReset()
    fake.transport.send.mockResolvedValue({ messageId: 'm2', eventId: 9 })
    model.retry('client-2')
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Lost:sending')
    await settle()
    expect(fake.transport.send).toHaveBeenCalledWith(expect.anything(), {
      clientId: 'client-2',
      text: 'Lost',
    })
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Lost:sent')
  })

  it('says why a message was not sent: the server failed, with Retry', async () => {
    const { model, fake } = await chatting()
    fake.transport.send.mockRejectedValue(
      new HttpFailure('POST', 'u', 502, 'UPSTREAM_ERROR', undefined),
    )
    model.setDraft('Lost')
    model.send()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Lost:failed')
    expect(model.sendProblem.value).toEqual({ kind: 'error' })
    fake.transport.send.mockResolvedValue({ messageId: 'm2', eventId: 9 })
    model.retry('client-2')
    expect(model.sendProblem.value).toBeNull()
    await settle()
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Lost:sent')
  })

  it('says how long to wait when the proxy is busy, from its Retry-After', async () => {
    const { model, fake } = await chatting()
    fake.transport.send.mockRejectedValue(new HttpFailure('POST', 'u', 429, 'RATE_LIMITED', 7_500))
    model.setDraft('Quick')
    model.send()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Quick:failed')
    expect(model.sendProblem.value).toEqual({ kind: 'busy', seconds: 8 })
  })

  it('offline, gives up at once and sends when the browser is back online', async () => {
    let offline = true
    const { model, fake } = await chatting({ isOffline: () => offline })
    fake.transport.send.mockRejectedValueOnce(new NetworkFailure('POST', 'u', 'x'))
    model.setDraft('On the train')
    model.send()
    await settle()
    expect(visitorOf(model.transcript.value).at(-1)).toBe('On the train:failed')
    expect(model.sendProblem.value).toEqual({ kind: 'offline' })
    expect(fake.transport.send).toHaveBeenCalledTimes(2)
    offline = false
    model.backOnline()
    await settle()
    expect(visitorOf(model.transcript.value).at(-1)).toBe('On the train:sent')
    expect(model.sendProblem.value).toBeNull()
  })

  it('does not retry a message the proxy refuses, says so, and goes on', async () => {
    const { model, fake, session } = await chatting()
    fake.transport.send.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 422, 'UNPROCESSABLE', undefined, 'zChat refused the request.'),
    )
    model.setDraft('Bad')
    model.send()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Bad:refused')
    expect(fake.transport.send).toHaveBeenCalledTimes(2)
    expect(model.sendProblem.value).toEqual({ kind: 'refused', why: 'refused' })
    expect(model.phase.value.name).toBe('chatting')
    expect(session.load()?.finished).toBe(false)

    model.remove('client-2')
    expect(visitorOf(model.transcript.value)).toEqual(['Hello:sent'])
    expect(model.sendProblem.value).toBeNull()
  })

  it('removes only a refused message, and keeps why another one failed', async () => {
    const { model, fake } = await chatting()
    fake.transport.send.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 400, 'VALIDATION_ERROR', undefined),
    )
    model.setDraft('Refused')
    model.send()
    await settle()
    fake.transport.send.mockRejectedValue(
      new HttpFailure('POST', 'u', 502, 'UPSTREAM_ERROR', undefined),
    )
    model.setDraft('Unlucky')
    model.send()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(visitorOf(model.transcript.value)).toEqual([
      'Hello:sent',
      'Refused:refused',
      'Unlucky:failed',
    ])
    model.remove('client-2')
    expect(visitorOf(model.transcript.value)).toEqual(['Hello:sent', 'Unlucky:failed'])
    expect(model.sendProblem.value).toEqual({ kind: 'error' })
  })

  it('sends messages one at a time, in order', async () => {
    const { model, fake } = await chatting()
    let release = () => {}
    fake.transport.send.mockImplementationOnce(
      (_a, body) =>
        new Promise(
          (resolve) => (release = () => resolve({ messageId: body.clientId, eventId: 0 })),
        ),
    )
    model.setDraft('one')
    model.send()
    model.setDraft('two')
    model.send()
    await settle()
    expect(fake.transport.send).toHaveBeenCalledTimes(2)
    release()
    await settle()
    expect(fake.transport.send.mock.calls.map((c) => c[1].text)).toEqual(['Hello', 'one', 'two'])
  })

  it('marks a message delivered by its echo even when the echo beats the reply', async () => {
    const { model, fake } = await chatting()
    let release = () => {}
    fake.transport.send.mockImplementationOnce(
      () => new Promise((resolve) => (release = () => resolve({ messageId: 'm9', eventId: 9 }))),
    )
    model.setDraft('Quick')
    model.send()
    await settle()
    fake.emit({
      type: 'message',
      author: 'visitor',
      messageId: 'm9',
      text: 'Quick',
      clientId: 'client-2',
    })
    expect(visitorOf(model.transcript.value)).toEqual(['Hello:sent', 'Quick:sent'])
    release()
    await settle()
    expect(visitorOf(model.transcript.value)).toEqual(['Hello:sent', 'Quick:sent'])
  })

  it('stops on 409: the chat has ended and what is left is marked failed', async () => {
    const { model, fake, session } = await chatting()
    fake.transport.send.mockRejectedValue(new HttpFailure('POST', 'u', 409, 'CONFLICT', undefined))
    model.setDraft('Late')
    model.send()
    await settle()
    expect(model.phase.value.name).toBe('finished')
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Late:failed')
    expect(session.load()?.finished).toBe(true)
  })
})

describe('typing notifications', () => {
  it('sends at most one typing per 3 s, cleared after 2 s idle', async () => {
    const { model, fake } = await chatting()
    for (let i = 0; i < 5; i++) {
      model.setDraft('x'.repeat(i + 1))
      await vi.advanceTimersByTimeAsync(500)
    }
    expect(fake.transport.typing).toHaveBeenCalledTimes(1)
    expect(fake.transport.cleared).not.toHaveBeenCalled()
    model.setDraft('xxxxxx')
    expect(fake.transport.typing).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1_000)
    model.setDraft('xxxxxxx')
    expect(fake.transport.typing).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(fake.transport.cleared).toHaveBeenCalledTimes(1)
  })

  it('sends cleared on send, and nothing before the conversation exists', async () => {
    const { model, fake } = setup()
    model.restore()
    model.setDraft('typing in prechat')
    expect(fake.transport.typing).not.toHaveBeenCalled()
    model.send()
    await settle()
    model.setDraft('more')
    expect(fake.transport.typing).toHaveBeenCalledOnce()
    model.send()
    expect(fake.transport.cleared).toHaveBeenCalledOnce()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(fake.transport.cleared).toHaveBeenCalledOnce()
  })
})

describe('events from the stream', () => {
  it('keeps what the visitor saw and notes the gap when the proxy no longer keeps what was missed', async () => {
    const { model, fake } = await chatting()
    fake.emit({ type: 'message', author: 'agent', messageId: 'a1', text: 'Seen' }, 10)
    // Reconnected after a long time away: 11..20 are gone, the stream goes on with what is kept.
    fake.reset()
    fake.reset()
    fake.emit({ type: 'message', author: 'agent', messageId: 'a21', text: 'Kept' }, 21)
    const shown = model.transcript.value.map((e) => (e.kind === 'agent' ? e.text : e.kind))
    expect(shown).toEqual(['visitor', 'joined', 'Seen', 'gap', 'Kept'])
    expect(model.phase.value).toMatchObject({ name: 'chatting' })
  })

  it('shows the agent joining, typing and replying, and tells the host page', async () => {
    const { model, fake, onAgentMessage, onPhase } = await chatting()
    expect(model.phase.value).toEqual({ name: 'chatting', agentTyping: false })
    fake.emit({ type: 'typing' })
    expect(model.phase.value).toMatchObject({ agentTyping: true })
    fake.emit({
      type: 'message',
      author: 'agent',
      messageId: 'a1',
      text: 'Hi Ada',
      agentName: 'Ana',
    })
    expect(model.phase.value).toEqual({ name: 'chatting', agentName: 'Ana', agentTyping: false })
    expect(model.transcript.value.map((e) => e.kind)).toEqual(['visitor', 'joined', 'agent'])
    expect(onAgentMessage).toHaveBeenCalledWith({
      text: 'Hi Ada',
      at: expect.any(String),
      agentName: 'Ana',
    })
    expect(onPhase.mock.calls.map((c) => c[0])).toEqual([
      'prechat',
      'starting',
      'queued',
      'chatting',
    ])
  })

  it('lets "Agent is typing…" lapse 10 s after the last typing when cleared never comes', async () => {
    const { model, fake } = await chatting()
    fake.emit({ type: 'typing' })
    await vi.advanceTimersByTimeAsync(8_000)
    expect(model.phase.value).toMatchObject({ agentTyping: true })
    // A fresh typing restarts the 10 s.
    fake.emit({ type: 'typing' })
    await vi.advanceTimersByTimeAsync(8_000)
    expect(model.phase.value).toMatchObject({ agentTyping: true })
    await vi.advanceTimersByTimeAsync(2_000)
    expect(model.phase.value).toEqual({ name: 'chatting', agentTyping: false })
    // And the next typing shows it again.
    fake.emit({ type: 'typing' })
    expect(model.phase.value).toMatchObject({ agentTyping: true })
  })

  it("times agent typing on the proxy's clock when the visitor's runs a minute ahead", async () => {
    const { model, fake } = await chatting()
    fake.setClockOffset(-60_000)
    // Logged just now by the proxy, which is a minute "ago" on the visitor's clock.
    fake.emit({ type: 'typing' })
    expect(model.phase.value).toMatchObject({ agentTyping: true })
    await vi.advanceTimersByTimeAsync(9_900)
    expect(model.phase.value).toMatchObject({ agentTyping: true })
    await vi.advanceTimersByTimeAsync(100)
    expect(model.phase.value).toEqual({ name: 'chatting', agentTyping: false })
  })

  it("times agent typing on the proxy's clock when the visitor's runs a minute behind", async () => {
    const { model, fake } = await chatting()
    fake.setClockOffset(60_000)
    // 20 s old on the proxy's clock, though 40 s in the future on the visitor's: never shown.
    fake.emit({ type: 'typing' }, undefined, fake.ago(20_000))
    expect(model.phase.value).toEqual({ name: 'chatting', agentTyping: false })
    fake.emit({ type: 'typing' })
    expect(model.phase.value).toMatchObject({ agentTyping: true })
    await vi.advanceTimersByTimeAsync(9_900)
    expect(model.phase.value).toMatchObject({ agentTyping: true })
    await vi.advanceTimersByTimeAsync(100)
    expect(model.phase.value).toEqual({ name: 'chatting', agentTyping: false })
  })

  it('counts unread agent messages while the window is closed', async () => {
    const { model, fake, session } = await chatting()
    fake.emit({ type: 'message', author: 'agent', messageId: 'a1', text: '1' })
    fake.emit({ type: 'message', author: 'agent', messageId: 'a2', text: '2' })
    expect(model.unread.value).toBe(2)
    model.setVisible(true)
    expect(model.unread.value).toBe(0)
    expect(session.load()?.readId).toBe(5)
    fake.emit({ type: 'message', author: 'agent', messageId: 'a3', text: '3' })
    expect(model.unread.value).toBe(0)
  })

  it('starts over when the conversation is gone', async () => {
    const { model, fake, session } = await chatting()
    fake.gone()
    expect(model.phase.value).toEqual({ name: 'failed', reason: 'gone', retryable: false })
    expect(session.load()).toBeNull()
    expect(fake.subscriptions[0]?.closed).toBe(true)
    model.startNew()
    expect(model.phase.value.name).toBe('prechat')
  })
})

describe('restoring after a reload', () => {
  it('resumes the stored conversation from the start of its log', async () => {
    const session = memorySessionStore()
    const first = setup({}, session)
    first.model.restore()
    first.model.setDraft('Hello')
    first.model.send()
    await settle()
    first.fake.emit({ type: 'queued', position: null })
    first.fake.emit({
      type: 'message',
      author: 'visitor',
      messageId: 'm1',
      text: 'Hello',
      clientId: 'client-1',
    })
    first.fake.emit({ type: 'accepted' })
    first.fake.emit({
      type: 'message',
      author: 'agent',
      messageId: 'a1',
      text: 'Hi!',
      agentName: 'Ana',
    })
    first.model.setVisible(true)
    first.model.dispose()

    const second = setup({}, session)
    second.model.restore()
    expect(second.model.phase.value.name).toBe('starting')
    expect(second.fake.transport.subscribe).toHaveBeenCalledWith(
      { conversationId: 'c1', credential: 'k1' },
      expect.anything(),
    )
    second.fake.emit({ type: 'queued', position: null }, 1)
    second.fake.emit({
      type: 'message',
      author: 'visitor',
      messageId: 'm1',
      text: 'Hello',
      clientId: 'client-1',
    })
    second.fake.emit({ type: 'accepted' })
    second.fake.emit({
      type: 'message',
      author: 'agent',
      messageId: 'a1',
      text: 'Hi!',
      agentName: 'Ana',
    })
    expect(second.model.phase.value).toEqual({
      name: 'chatting',
      agentName: 'Ana',
      agentTyping: false,
    })
    expect(second.model.transcript.value).toHaveLength(3)
    // Already seen and read before the reload: no badge, no second `message` to the host page.
    expect(second.model.unread.value).toBe(0)
    expect(second.onAgentMessage).not.toHaveBeenCalled()
    second.fake.emit({ type: 'message', author: 'agent', messageId: 'a2', text: 'New' })
    expect(second.model.unread.value).toBe(1)
    expect(second.onAgentMessage).toHaveBeenCalledOnce()
  })

  it('does not show an agent typing replayed from before the reload, only one still fresh', async () => {
    const session = ongoingSession()
    const { model, fake } = setup({}, session)
    model.restore()
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString()
    fake.emit({ type: 'accepted' }, 1, ago(120_000))
    // The agent's typing whose cleared was lost, a minute before the reload.
    fake.emit({ type: 'typing' }, 2, ago(60_000))
    expect(model.phase.value).toEqual({ name: 'chatting', agentTyping: false })

    // Typing logged 4 s before it arrives shows for what is left of its 10 s.
    fake.emit({ type: 'typing' }, 3, ago(4_000))
    expect(model.phase.value).toMatchObject({ agentTyping: true })
    await vi.advanceTimersByTimeAsync(5_900)
    expect(model.phase.value).toMatchObject({ agentTyping: true })
    await vi.advanceTimersByTimeAsync(100)
    expect(model.phase.value).toMatchObject({ agentTyping: false })
  })

  it('opens a new chat when nothing is stored or it expired', () => {
    const session = ongoingSession({ expiresAt: '2000-01-01T00:00:00Z' })
    const { model, fake } = setup({}, session)
    model.restore()
    expect(model.phase.value.name).toBe('prechat')
    expect(fake.transport.subscribe).not.toHaveBeenCalled()
  })
})

describe('ending and rating', () => {
  it('ends the chat only after confirmation', async () => {
    const { model, fake, session } = await chatting()
    model.requestEnd()
    expect(model.confirmingEnd.value).toBe(true)
    model.cancelEnd()
    expect(fake.transport.finish).not.toHaveBeenCalled()
    model.requestEnd()
    await model.confirmEnd()
    expect(fake.transport.finish).toHaveBeenCalledOnce()
    expect(model.phase.value.name).toBe('finished')
    expect(session.load()?.finished).toBe(true)
    fake.emit({ type: 'finished', by: 'visitor' })
    expect(model.phase.value.name).toBe('finished')
  })

  it('treats 409 on finish as already ended, and says so when ending fails', async () => {
    const ended = await chatting()
    ended.fake.transport.finish.mockRejectedValueOnce(
      new HttpFailure('PUT', 'u', 409, 'CONFLICT', undefined),
    )
    await ended.model.confirmEnd()
    expect(ended.model.phase.value.name).toBe('finished')

    const failing = await chatting()
    failing.fake.transport.finish.mockRejectedValueOnce(new NetworkFailure('PUT', 'u', 'x'))
    await failing.model.confirmEnd()
    expect(failing.model.phase.value.name).toBe('chatting')
    expect(failing.model.alert.value).toBe('end-failed')
  })

  it('sends the rating with its optional comment', async () => {
    const { model, fake } = await chatting()
    fake.emit({ type: 'finished', by: 'agent' })
    await model.sendRating()
    expect(fake.transport.rate).not.toHaveBeenCalled()
    model.chooseMood('positive')
    model.setComment('  Very helpful ')
    const sending = model.sendRating()
    expect(model.phase.value).toEqual({ name: 'rating', mood: 'positive' })
    await sending
    expect(fake.transport.rate).toHaveBeenCalledWith(expect.anything(), {
      mood: 'positive',
      comment: 'Very helpful',
    })
    expect(model.phase.value).toEqual({ name: 'rated', mood: 'positive' })
  })

  it('lets the visitor try the rating again when sending it fails', async () => {
    const { model, fake } = await chatting()
    fake.emit({ type: 'finished', by: 'agent' })
    fake.transport.rate.mockRejectedValueOnce(new NetworkFailure('PUT', 'u', 'x'))
    model.chooseMood('negative')
    await model.sendRating()
    expect(model.phase.value).toEqual({ name: 'finished', rating: 'failed' })
    expect(fake.transport.rate.mock.calls[0]?.[1]).toEqual({ mood: 'negative' })
    await model.sendRating()
    expect(model.phase.value).toEqual({ name: 'rated', mood: 'negative' })
  })

  it('tells the proxy which conversation a new one follows, once', async () => {
    const { model, fake } = await chatting()
    fake.emit({ type: 'finished', by: 'agent' })
    model.startNew()
    model.setDraft('Me again')
    model.send()
    await settle()
    expect(fake.transport.start.mock.calls[1]?.[0]).toMatchObject({
      previous: { conversationId: 'c1', credential: 'k1' },
    })
    model.startNew()
    fake.transport.start.mockResolvedValueOnce({
      conversationId: 'c3',
      credential: 'k3',
      expiresAt: future,
    })
    model.setDraft('Third')
    model.send()
    await settle()
    expect(fake.transport.start.mock.calls[2]?.[0]).toMatchObject({
      previous: { conversationId: 'c1', credential: 'k1' },
    })
  })

  it('starts a new chat: forgets the old one and keeps the profile', async () => {
    const { model, fake, session } = await chatting()
    model.setProfile({ name: 'Ada' })
    fake.emit({ type: 'finished', by: 'agent' })
    model.startNew()
    expect(session.load()).toBeNull()
    expect(fake.subscriptions[0]?.closed).toBe(true)
    expect(model.phase.value.name).toBe('prechat')
    expect(model.transcript.value).toEqual([])
    expect(model.profile.value).toEqual({ name: 'Ada' })
    model.setDraft('Second chat')
    model.send()
    await settle()
    expect(fake.transport.start).toHaveBeenCalledTimes(2)
    expect(session.load()?.expiresAt).toBe(future)
  })
})

describe('many tabs, one conversation', () => {
  it('a tab on the form joins the conversation another tab started, without starting one', async () => {
    const session = memorySessionStore()
    const one = setup({}, session)
    const two = setup({}, session)
    one.model.restore()
    two.model.restore()
    one.model.setDraft('Hello')
    one.model.send()
    await settle()
    two.model.sessionChanged()
    expect(two.model.phase.value.name).toBe('starting')
    expect(two.fake.transport.start).not.toHaveBeenCalled()
    expect(two.fake.transport.subscribe).toHaveBeenCalledWith(
      { conversationId: 'c1', credential: 'k1' },
      expect.anything(),
    )
    two.fake.emit({ type: 'message', author: 'visitor', messageId: 'm1', text: 'Hello' }, 1)
    two.fake.emit({ type: 'accepted' }, 2)
    expect(two.model.phase.value.name).toBe('chatting')
    expect(visitorOf(two.model.transcript.value)).toEqual(['Hello:sent'])
  })

  it('two tabs whose visitors write at once start one conversation, and both messages go there', async () => {
    const session = memorySessionStore()
    const locks = fakeLocks()
    const one = setup({ exclusive: exclusive('zchat:start:test', locks) }, session)
    const two = setup({ exclusive: exclusive('zchat:start:test', locks) }, session)
    for (const { model } of [one, two]) {
      model.restore()
      model.setDraft('Hi')
      model.send()
    }
    await settle()
    expect(
      one.fake.transport.start.mock.calls.length + two.fake.transport.start.mock.calls.length,
    ).toBe(1)
    expect(one.fake.transport.send).toHaveBeenCalledOnce()
    expect(two.fake.transport.send).toHaveBeenCalledOnce()
    expect(two.fake.transport.send.mock.calls[0]?.[0]).toEqual({
      conversationId: 'c1',
      credential: 'k1',
    })
  })

  it('two tabs whose visitors write at once start one conversation, however late the first tab’s save reaches the second', async () => {
    // Chromium: the second tab, granted the lock once the first let go, still reads no session.
    const locks = fakeLocks()
    const sessions = laggingSessions()
    const [one, two] = [0, 1].map(() =>
      setup({ exclusive: exclusive('zchat:start:test', locks) }, sessions.tab()),
    ) as [ReturnType<typeof setup>, ReturnType<typeof setup>]
    two.fake.transport.start.mockResolvedValue({
      conversationId: 'c2',
      credential: 'k2',
      expiresAt: future,
    })
    one.model.restore()
    two.model.restore()
    one.model.setDraft('From one')
    one.model.send()
    two.model.setDraft('From two')
    two.model.send()
    await settle()
    expect(one.fake.transport.start).toHaveBeenCalledOnce()
    expect(two.fake.transport.start).not.toHaveBeenCalled()
    expect(two.fake.transport.send).toHaveBeenCalledWith(
      { conversationId: 'c1', credential: 'k1' },
      { clientId: 'client-1', text: 'From two' },
    )
    // The save arrives at last: the second tab is in that conversation already.
    sessions.propagate()
    two.model.sessionChanged()
    expect(two.fake.subscriptions.map((s) => [s.auth.conversationId, s.closed])).toEqual([
      ['c1', false],
    ])
  })

  it('hands over no conversation that ended, was lost or whose widget was destroyed: the next tab to write starts its own', async () => {
    for (const end of ['finished', 'gone', 'destroyed'] as const) {
      const locks = fakeLocks()
      const sessions = laggingSessions()
      const [one, two] = [0, 1].map(() =>
        setup({ exclusive: exclusive('zchat:start:test', locks) }, sessions.tab()),
      ) as [ReturnType<typeof setup>, ReturnType<typeof setup>]
      two.fake.transport.start.mockResolvedValue({
        conversationId: 'c2',
        credential: 'k2',
        expiresAt: future,
      })
      one.model.restore()
      two.model.restore()
      one.model.setDraft('Hello')
      one.model.send()
      await settle()
      one.fake.accept()
      if (end === 'finished') one.fake.emit({ type: 'finished', by: 'agent' })
      else if (end === 'gone') one.fake.gone()
      else one.model.dispose()
      // Tab two's storage has shown none of it yet.
      two.model.setDraft('Next')
      two.model.send()
      await settle()
      expect(two.fake.transport.start, end).toHaveBeenCalledOnce()
      expect(two.fake.transport.send.mock.calls[0]?.[0], end).toEqual({
        conversationId: 'c2',
        credential: 'k2',
      })
    }
  })

  it('keeps one unread count: what one tab shows is read in the other', async () => {
    const session = ongoingSession()
    const one = setup({}, session)
    const two = setup({}, session)
    one.model.restore()
    two.model.restore()
    for (const tab of [one, two]) {
      tab.fake.emit({ type: 'accepted' }, 1)
      tab.fake.emit({ type: 'message', author: 'agent', messageId: 'a1', text: '1' }, 2)
      tab.fake.emit({ type: 'message', author: 'agent', messageId: 'a2', text: '2' }, 3)
    }
    expect(two.model.unread.value).toBe(2)
    one.model.setVisible(true)
    two.model.sessionChanged()
    expect(two.model.unread.value).toBe(0)
    // With the window open in tab one, what comes next is read there too.
    for (const tab of [one, two])
      tab.fake.emit({ type: 'message', author: 'agent', messageId: 'a3', text: '3' }, 4)
    expect(two.model.unread.value).toBe(1)
    two.model.sessionChanged()
    expect(two.model.unread.value).toBe(0)
  })

  it('a tab whose chat ended joins the next one another tab starts; one leaving a message stays', async () => {
    const session = ongoingSession()
    const ended = setup({}, session)
    ended.model.restore()
    ended.fake.emit({ type: 'accepted' }, 1)
    ended.fake.emit({ type: 'finished', by: 'agent' }, 2)
    const leaving = setup({}, memorySessionStore())
    leaving.model.restore()
    leaving.model.setDraft('Hi')
    leaving.model.send()
    await settle()
    leaving.fake.emit({ type: 'unavailable' }, 1)
    expect(leaving.model.phase.value.name).toBe('unavailable')
    const next = { conversationId: 'c2', credential: 'k2', expiresAt: future }
    session.save({ ...next, finished: false, readId: 0, seenId: 0 })
    ended.model.sessionChanged()
    expect(ended.model.phase.value.name).toBe('starting')
    expect(ended.model.transcript.value).toEqual([])
    expect(ended.fake.subscriptions.map((s) => [s.auth.conversationId, s.closed])).toEqual([
      ['c1', true],
      ['c2', false],
    ])
    leaving.session.save({ ...next, finished: false, readId: 0, seenId: 0 })
    leaving.model.sessionChanged()
    expect(leaving.model.phase.value.name).toBe('unavailable')
  })

  it('leaves a conversation going on, and a first message that failed, as they are', async () => {
    const session = memorySessionStore()
    const busy = setup({}, session)
    busy.fake.transport.start.mockRejectedValueOnce(new NetworkFailure('POST', 'u', 'x'))
    busy.model.restore()
    busy.model.setDraft('Mine')
    busy.model.send()
    await settle()
    expect(busy.model.phase.value.name).toBe('failed')
    const other = setup({}, session)
    other.model.restore()
    other.model.setDraft('Theirs')
    other.model.send()
    await settle()
    busy.model.sessionChanged()
    expect(busy.model.phase.value.name).toBe('failed')
    expect(visitorOf(busy.model.transcript.value)).toEqual(['Mine:sending'])
    // Try again joins the other tab's conversation with the waiting message.
    busy.model.tryAgain()
    await settle()
    expect(busy.fake.transport.start).toHaveBeenCalledOnce()
    expect(busy.fake.transport.send.mock.calls[0]?.[1]).toMatchObject({ text: 'Mine' })
  })
})

describe('a shared computer: the next person gets nothing of the last one', () => {
  it('zchat(reset) closes the stream and forgets the conversation, the visitor and what they typed', async () => {
    const { model, fake, session } = await chatting()
    model.identify({ name: 'Ana', email: 'ana@example.com' })
    model.prechat.setConsent(true)
    fake.emit({ type: 'message', author: 'agent', messageId: 'a1', text: 'Your order ships today' })
    model.setDraft('Thanks, and my address is')
    model.reset()
    expect(fake.subscriptions[0]?.closed).toBe(true)
    expect(session.load()).toBeNull()
    expect(model.phase.value.name).toBe('prechat')
    expect(model.transcript.value).toEqual([])
    expect(model.draft.value).toBe('')
    expect(model.unread.value).toBe(0)
    expect(model.profile.value).toEqual({})
    expect(model.prechat.known.value).toEqual({})
    expect(model.prechat.consent.value).toBe(false)
  })

  it('the next conversation names no previous one: zChat gets none of its history', async () => {
    const { model, fake } = await chatting()
    fake.emit({ type: 'finished', by: 'agent' })
    // Reset on the ended chat's window, and on the form after Start a new chat.
    model.reset()
    model.setDraft('Hello, I am someone else')
    model.send()
    await settle()
    expect(fake.transport.start.mock.calls[1]?.[0]).not.toHaveProperty('previous')
    fake.emit({ type: 'finished', by: 'agent' })
    model.startNew()
    model.reset()
    model.setDraft('And again')
    model.send()
    await settle()
    expect(fake.transport.start.mock.calls[2]?.[0]).not.toHaveProperty('previous')
  })

  it('keeps nothing of a start that answers after the reset, nor hands it to another tab', async () => {
    const locks = fakeLocks()
    const { model, fake, session } = setup({ exclusive: exclusive('zchat:start:test', locks) })
    let answer: (reply: { conversationId: string; credential: string; expiresAt: string }) => void =
      () => {}
    fake.transport.start.mockImplementationOnce(
      () =>
        new Promise((resolve) => {
          answer = resolve
        }),
    )
    model.restore()
    model.setDraft('Hello')
    model.send()
    await settle()
    model.reset()
    answer({ conversationId: 'c1', credential: 'k1', expiresAt: future })
    await settle()
    expect(session.load()).toBeNull()
    expect(await exclusive('zchat:start:test', locks)?.load()).toBeUndefined()
    expect(fake.transport.subscribe).not.toHaveBeenCalled()
    expect(model.phase.value.name).toBe('prechat')
  })

  it("never joins another signed customer's conversation that a tab the site did not reset still hands over", async () => {
    // Ana's tab started c1 and holds it in its lock; Bia's tab has not yet read it from storage.
    const locks = fakeLocks()
    const sessions = laggingSessions()
    const ana = setup(
      { exclusive: exclusive('zchat:start:test', locks), owner: () => 'ana' },
      sessions.tab(),
    )
    const bia = setup(
      { exclusive: exclusive('zchat:start:test', locks), owner: () => 'bia' },
      sessions.tab(),
    )
    bia.fake.transport.start.mockResolvedValue({
      conversationId: 'c2',
      credential: 'k2',
      expiresAt: future,
    })
    ana.model.restore()
    bia.model.restore()
    ana.model.setDraft('I am Ana')
    ana.model.send()
    await settle()
    bia.model.setDraft('I am Bia')
    bia.model.send()
    await settle()
    expect(bia.fake.transport.start).toHaveBeenCalledOnce()
    expect(bia.fake.transport.send).toHaveBeenCalledWith(
      { conversationId: 'c2', credential: 'k2' },
      { clientId: 'client-1', text: 'I am Bia' },
    )
  })

  it("does not join the conversation another signed customer's tab saves (the last page's, as it unloads)", () => {
    const session = memorySessionStore()
    const { model, fake } = setup({ owner: () => 'bia' }, session)
    model.restore()
    // Ana's page, which the site did not reset, writes her conversation as it goes.
    session.save({
      conversationId: 'c1',
      credential: 'k1',
      expiresAt: future,
      finished: false,
      readId: 3,
      seenId: 3,
      owner: 'ana',
    })
    model.sessionChanged()
    expect(fake.transport.subscribe).not.toHaveBeenCalled()
    expect(model.phase.value.name).toBe('prechat')
    // The same customer's other tab: joined, as before.
    session.save({ ...session.load()!, owner: 'bia' })
    model.sessionChanged()
    expect(fake.transport.subscribe).toHaveBeenCalledOnce()
  })

  it('keeps the signed customer a conversation was started for with it', async () => {
    const { model, session } = setup({ owner: () => 'ana' })
    model.restore()
    model.setDraft('Hello')
    model.send()
    await settle()
    expect(session.load()?.owner).toBe('ana')
    const anonymous = setup({ owner: () => undefined })
    anonymous.model.restore()
    anonymous.model.setDraft('Hello')
    anonymous.model.send()
    await settle()
    expect(anonymous.session.load()).not.toHaveProperty('owner')
  })

  it('forgets, in every tab, a conversation another signed customer started, instead of showing it', () => {
    const session = ongoingSession({ owner: 'ana' })
    const { model, fake } = setup({ owner: () => 'bia' }, session)
    model.restore()
    expect(model.phase.value.name).toBe('prechat')
    expect(fake.transport.subscribe).not.toHaveBeenCalled()
    expect(session.load()).toBeNull()
    expect(session.forgottenEverywhere).toBe(1)
  })

  it("resumes the same customer's conversation, and a page that names no one's", () => {
    for (const owner of ['ana', undefined]) {
      const session = ongoingSession({ owner: 'ana' })
      const { model, fake } = setup({ owner: () => owner }, session)
      model.restore()
      expect(model.phase.value.name, String(owner)).toBe('starting')
      expect(fake.transport.subscribe).toHaveBeenCalledOnce()
      expect(session.forgottenEverywhere).toBe(0)
    }
  })

  it('resets when the page signs another customer in while the conversation is shown', () => {
    let owner = 'ana'
    const session = ongoingSession({ owner: 'ana' })
    const { model, fake } = setup({ owner: () => owner }, session)
    model.restore()
    model.identify({ name: 'Ana' })
    expect(fake.subscriptions[0]?.closed).toBe(false)
    owner = 'bia'
    model.identify({ name: 'Bia' })
    expect(fake.subscriptions[0]?.closed).toBe(true)
    expect(session.forgottenEverywhere).toBe(1)
    expect(model.phase.value.name).toBe('prechat')
    expect(model.transcript.value).toEqual([])
    // Bia's own details stay: they are the page's, said after the reset.
    expect(model.profile.value).toEqual({ name: 'Bia' })
  })
})
