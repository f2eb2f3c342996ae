/**
 * What zChat refuses, and `unavailable` at any time (docs/decisions/017-no-guess-ends-a-chat.md):
 * a refused message is that message's alone, the conversation ends only when the proxy says so, and
 * whatever the visitor sees next is true and has a way on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeTransport, memorySessionStore, ongoingSession } from '../testing/fakes.ts'
import { HttpFailure, NetworkFailure } from './failure.ts'
import { createConversationModel } from './model.ts'

function setup(session = memorySessionStore()) {
  const fake = createFakeTransport()
  let n = 0
  const model = createConversationModel({
    transport: fake.transport,
    session,
    startContext: () => ({ department: 1 }),
    newClientId: () => `client-${++n}`,
  })
  return { model, fake, session }
}

const settle = () => vi.advanceTimersByTimeAsync(0)

async function chatting() {
  const t = setup()
  t.model.restore()
  t.model.setDraft('Hello')
  t.model.send()
  await settle()
  t.fake.accept('Hello')
  return t
}

async function write(model: ReturnType<typeof setup>['model'], text: string) {
  model.setDraft(text)
  model.send()
  await vi.advanceTimersByTimeAsync(10_000)
}

const visitorOf = (entries: ReturnType<typeof setup>['model']['transcript']['value']) =>
  entries.filter((e) => e.kind === 'visitor').map((e) => `${e.text}:${e.delivery}`)

/** The proxy's answer to a message or rating zChat refused while the interaction went on. */
const refusedByZChat = (method = 'POST') =>
  new HttpFailure(method, 'u', 422, 'UNPROCESSABLE', undefined, 'zChat refused this', 'upstream')

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('a message zChat refuses', () => {
  it('is marked refused, says zChat did not take it, and the chat goes on', async () => {
    const { model, fake, session } = await chatting()
    fake.transport.send.mockRejectedValueOnce(refusedByZChat())
    await write(model, 'A link zChat cannot fetch')
    expect(visitorOf(model.transcript.value).at(-1)).toBe('A link zChat cannot fetch:refused')
    expect(model.sendProblem.value).toEqual({ kind: 'refused', why: 'declined' })
    expect(model.phase.value.name).toBe('chatting')
    expect(model.composable.value).toBe(true)
    expect(session.load()?.finished).toBe(false)

    await write(model, 'Here it is in words')
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Here it is in words:sent')
    expect(model.sendProblem.value).toBeNull()
    fake.emit({ type: 'message', author: 'agent', messageId: 'a1', text: 'Thanks' })
    expect(model.transcript.value.at(-1)).toMatchObject({ kind: 'agent', text: 'Thanks' })
  })
})

describe('unavailable, in any state', () => {
  it('after accepted, ends the chat with the unavailable step: nothing more to write into', async () => {
    const { model, fake } = await chatting()
    model.setDraft('Still th')
    fake.emit({ type: 'unavailable' })
    expect(model.phase.value).toEqual({ name: 'unavailable', reason: 'no-agents' })
    expect(model.composable.value).toBe(false)
    // The visitor was typing: the agent hears they stopped.
    expect(fake.transport.cleared).toHaveBeenCalled()
  })

  it('wins over the end a refused message made the widget assume', async () => {
    const { model, fake } = await chatting()
    // The proxy heard `unavailable` before the widget did: the message is answered 409.
    fake.transport.send.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 409, 'CONFLICT', undefined),
    )
    await write(model, 'Are you there?')
    expect(model.phase.value.name).toBe('finished')
    fake.emit({ type: 'unavailable' })
    expect(model.phase.value).toEqual({ name: 'unavailable', reason: 'no-agents' })
    // What was not sent stays, for the leave-a-message form to carry.
    expect(visitorOf(model.transcript.value).at(-1)).toBe('Are you there?:failed')
  })

  it('after a reload of a chat an agent had taken, shows the unavailable step again', () => {
    const { model, fake } = setup(ongoingSession())
    model.restore()
    fake.emit({ type: 'queued', position: 1 }, 1)
    fake.emit({ type: 'accepted' }, 2)
    fake.emit({ type: 'unavailable' }, 3)
    expect(model.phase.value).toEqual({ name: 'unavailable', reason: 'no-agents' })
  })
})

describe('a rating after the end', () => {
  it('refused by zChat is final: said once, never offered again', async () => {
    const { model, fake } = await chatting()
    fake.emit({ type: 'finished', by: 'agent' })
    fake.transport.rate.mockRejectedValue(refusedByZChat('PUT'))
    model.chooseMood('positive')
    await model.sendRating()
    expect(model.phase.value).toEqual({ name: 'finished', rating: 'refused' })
    await model.sendRating()
    expect(fake.transport.rate).toHaveBeenCalledTimes(1)
  })

  it('failing for a passing reason may be tried three times in all, then is final', async () => {
    const { model, fake } = await chatting()
    fake.emit({ type: 'finished', by: 'agent' })
    fake.transport.rate.mockRejectedValue(new NetworkFailure('PUT', 'u', 'x'))
    model.chooseMood('negative')
    await model.sendRating()
    expect(model.phase.value).toEqual({ name: 'finished', rating: 'failed' })
    await model.sendRating()
    expect(model.phase.value).toEqual({ name: 'finished', rating: 'failed' })
    await model.sendRating()
    expect(model.phase.value).toEqual({ name: 'finished', rating: 'refused' })
    await model.sendRating()
    expect(fake.transport.rate).toHaveBeenCalledTimes(3)
  })

  it('rated in another tab meanwhile shows the thank-you, not the refusal', async () => {
    const { model, fake } = await chatting()
    fake.emit({ type: 'finished', by: 'agent' })
    fake.transport.rate.mockRejectedValue(refusedByZChat('PUT'))
    model.chooseMood('positive')
    await model.sendRating()
    fake.emit({ type: 'rated', mood: 'negative' })
    expect(model.phase.value).toEqual({ name: 'rated', mood: 'negative' })
  })
})
