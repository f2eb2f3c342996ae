/**
 * The conversation model with the site's choice (choice.ts): the department and channel go with the
 * start, and a conversation answered on the visitor's phone is one the chat no longer writes to.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeTransport, future, memorySessionStore } from '../testing/fakes.ts'
import { createChoice } from './choice.ts'
import { createConversationModel } from './model.ts'
import { defaultPrechat } from './prechat.ts'

function setup(session = memorySessionStore()) {
  const fake = createFakeTransport()
  const model = createConversationModel({
    transport: fake.transport,
    session,
    startContext: () => ({ department: 1 }),
    newClientId: () => 'client-1',
    prechat: { ...defaultPrechat, fields: [], choice: true },
  })
  const offer = () => {
    const choice = createChoice(
      {
        departments: [
          { id: 7, label: 'Vendas' },
          { id: 8, label: 'Suporte' },
        ],
        channels: ['web', 'whatsapp'],
      },
      { attempts: model.prechat.attempts, profile: model.profile },
    )
    model.prechat.choice.value = choice
    return choice
  }
  const write = (text: string) => {
    model.setDraft(text)
    model.send()
  }
  return { model, fake, session, offer, write }
}

const settle = () => vi.advanceTimersByTimeAsync(0)
beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('the choice before the first message', () => {
  it('holds the start until the choice the site offers is there, and made', async () => {
    const { model, fake, offer, write } = setup()
    model.restore()
    write('Oi')
    expect(model.phase.value.name).toBe('prechat')
    const choice = offer()
    model.send()
    expect(choice.problems.value).toEqual({ department: 'missing' })
    choice.choose(8)
    model.send()
    await settle()
    expect(fake.transport.start).toHaveBeenCalledWith({ department: 8 })
  })

  it('starts a conversation answered on WhatsApp, which the chat shows but no longer writes to', async () => {
    const { model, fake, session, offer, write } = setup()
    fake.transport.start.mockResolvedValueOnce({
      conversationId: 'c1',
      credential: 'k1',
      expiresAt: future,
      answeredOn: { channel: 'whatsapp', phone: '11991417777' },
    })
    model.restore()
    const choice = offer()
    choice.choose(7)
    choice.setChannel('whatsapp')
    model.setProfile({ phone: '(11) 99141-7777' })
    write('Quero falar sobre meu pedido')
    await settle()
    expect(fake.transport.start).toHaveBeenCalledWith({
      department: 7,
      channel: 'whatsapp',
      visitor: { phone: '(11) 99141-7777' },
    })
    // What was sent reaches zChat, as with any conversation.
    expect(fake.transport.send).toHaveBeenCalledWith(
      { conversationId: 'c1', credential: 'k1' },
      { clientId: 'client-1', text: 'Quero falar sobre meu pedido' },
    )
    expect(model.answeredOn.value).toEqual({ channel: 'whatsapp', phone: '11991417777' })
    expect(model.composable.value).toBe(false)
    expect(session.load()?.answeredOn).toEqual({ channel: 'whatsapp', phone: '11991417777' })
    // zChat's states for it still come, and show.
    fake.emit({ type: 'queued', position: 2 })
    expect(model.phase.value).toEqual({ name: 'queued', position: 2 })
  })

  it('remembers where the answer goes across a reload, and forgets it for a new chat', async () => {
    const session = memorySessionStore()
    session.save({
      conversationId: 'c9',
      credential: 'k9',
      expiresAt: future,
      finished: false,
      readId: 0,
      seenId: 0,
      answeredOn: { channel: 'sms', phone: '11991417777' },
    })
    const { model, fake } = setup(session)
    model.restore()
    expect(model.answeredOn.value).toEqual({ channel: 'sms', phone: '11991417777' })
    expect(fake.transport.subscribe).toHaveBeenCalledWith(
      { conversationId: 'c9', credential: 'k9' },
      expect.anything(),
    )
    model.startNew()
    expect(model.answeredOn.value).toBeNull()
    expect(model.composable.value).toBe(true)
  })
  it("forgets a conversation answered on the visitor's phone at the site's zchat('reset')", () => {
    const session = memorySessionStore()
    session.save({
      conversationId: 'c9',
      credential: 'k9',
      expiresAt: future,
      finished: false,
      readId: 0,
      seenId: 0,
      owner: 'ana',
      answeredOn: { channel: 'whatsapp', phone: '11991417777' },
    })
    const { model } = setup(session)
    model.restore()
    expect(model.answeredOn.value).toEqual({ channel: 'whatsapp', phone: '11991417777' })
    model.reset()
    // The next person at the computer sees no "we'll answer on WhatsApp", and a reload finds none.
    expect(model.answeredOn.value).toBeNull()
    expect(model.composable.value).toBe(true)
    expect(session.load()).toBeNull()
    expect(model.phase.value.name).not.toBe('chatting')
  })
})
