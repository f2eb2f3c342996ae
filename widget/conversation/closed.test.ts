/** Outside the site's opening hours the conversation model offers to leave a message, not a chat. */
import { describe, expect, it, vi } from 'vitest'
import { createFakeTransport, memorySessionStore, ongoingSession } from '../testing/fakes.ts'
import { createConversationModel } from './model.ts'

function setup(closed: { now: boolean }, session = memorySessionStore()) {
  const fake = createFakeTransport()
  const onPhase = vi.fn()
  const model = createConversationModel({
    transport: fake.transport,
    session,
    startContext: () => ({ department: 1 }),
    newClientId: () => 'client-1',
    onPhase,
    isClosed: () => closed.now,
  })
  return { model, fake, onPhase }
}

describe('outside opening hours', () => {
  it('opens on the leave-a-message notice, and starts no conversation', () => {
    const { model, fake, onPhase } = setup({ now: true })
    model.restore()
    expect(model.phase.value).toEqual({ name: 'unavailable', reason: 'closed' })
    expect(model.composable.value).toBe(false)
    model.setDraft('Hello?')
    model.send()
    expect(fake.transport.start).not.toHaveBeenCalled()
    expect(onPhase).toHaveBeenLastCalledWith('unavailable')
  })

  it('opens a chat as usual during opening hours', () => {
    const { model } = setup({ now: false })
    model.restore()
    expect(model.phase.value).toEqual({ name: 'prechat' })
  })

  it('closes a window left open past closing time when the visitor opens it again', () => {
    const hours = { now: false }
    const { model } = setup(hours)
    model.restore()
    hours.now = true
    model.setVisible(true)
    expect(model.phase.value).toEqual({ name: 'unavailable', reason: 'closed' })
  })

  it('never cuts short a conversation restored after a reload', () => {
    const session = ongoingSession()
    const { model, fake } = setup({ now: true }, session)
    model.restore()
    fake.emit({ type: 'accepted' })
    model.setVisible(true)
    expect(model.phase.value.name).toBe('chatting')
  })

  it('checks the hours again for a new chat after one found no agent', async () => {
    const hours = { now: false }
    const { model, fake } = setup(hours)
    model.restore()
    model.setDraft('Hi')
    model.send()
    await vi.waitFor(() => expect(fake.subscriptions).toHaveLength(1))
    fake.emit({ type: 'unavailable' })
    expect(model.phase.value).toEqual({ name: 'unavailable', reason: 'no-agents' })
    hours.now = true
    model.startNew()
    expect(model.phase.value).toEqual({ name: 'unavailable', reason: 'closed' })
  })
})
