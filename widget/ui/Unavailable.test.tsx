// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { createUnavailablePart } from '../chat/unavailable-part.tsx'
import { NetworkFailure } from '../conversation/failure.ts'
import { hoursIn, readSchedule } from '../conversation/opening-hours.ts'
import { loadLanguage } from '../i18n/text.ts'
import { createChat, renderWindow } from '../testing/chat.tsx'

function withPart(chat: ReturnType<typeof createChat>, openingHours?: string) {
  const part = createUnavailablePart({
    model: chat.model,
    transport: chat.fake.transport,
    context: () => ({ department: 1 }),
    conversationId: () => 'c1',
    openingHours,
  })
  return renderWindow(chat, {}, part)
}

const form = () => screen.getByRole('form', { name: 'Leave a message' })
const field = (name: string) => within(form()).getByRole('textbox', { name })

describe('Unavailable', () => {
  it('says no agent is free, keeps what the visitor wrote for the message, and offers a new chat', async () => {
    const chat = createChat()
    chat.model.setProfile({ email: 'ana@example.com' })
    withPart(chat)
    chat.model.setDraft('Hello')
    chat.model.send()
    await waitFor(() => expect(chat.fake.transport.subscribe).toHaveBeenCalled())
    chat.fake.emit({ type: 'queued', position: 1 })
    chat.fake.emit({ type: 'unavailable' })
    expect(
      (await screen.findByText('No agents are available right now.')).getAttribute('role'),
    ).toBe('alert')
    expect(screen.getByText("Leave a message and we'll reply by e-mail.")).toBeTruthy()
    await waitFor(() => expect(field('Message')).toHaveProperty('value', 'Hello'))
    expect(field('Email')).toHaveProperty('value', 'ana@example.com')
    expect(screen.getByRole('button', { name: 'Start a new chat' })).toBeTruthy()
  })

  it('says when the site opens again, outside its hours, with no new-chat button', async () => {
    const chat = createChat({ isClosed: () => true })
    withPart(chat, 'Mon–Fri 09:00–18:00 (Sao Paulo time)')
    expect((await screen.findByRole('alert')).textContent).toBe(
      "We're closed right now. Our opening hours: Mon–Fri 09:00–18:00 (Sao Paulo time).",
    )
    expect(screen.queryByRole('button', { name: 'Start a new chat' })).toBeNull()
  })

  it('says the hours with the day names of the page’s language (Intl), in Portuguese and Spanish', async () => {
    const schedule = readSchedule('mon-fri 09:00-18:00; sat 09:00-13:00', undefined, () => {})
    if (!schedule) throw new Error('unreadable hours')
    const hours = () => hoursIn(schedule.hours.label, schedule.timeZone)
    await loadLanguage('pt-BR')
    withPart(createChat({ isClosed: () => true }), hours())
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Estamos fechados agora. Nosso horário de atendimento: seg.–sex. 09:00–18:00; sáb. 09:00–13:00 (horário de Sao Paulo).',
    )
    cleanup()
    await loadLanguage('es')
    withPart(createChat({ isClosed: () => true }), hours())
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Ahora estamos cerrados. Nuestro horario: lun–vie 09:00–18:00; sáb 09:00–13:00 (hora de Sao Paulo).',
    )
  })

  it('only asks to come back later when the proxy takes no messages', async () => {
    const chat = createChat({ isClosed: () => true })
    chat.fake.transport.config.mockResolvedValue({ uploads: null, leaveMessage: false })
    withPart(chat)
    expect(await screen.findByText('Please try again later.')).toBeTruthy()
    expect(screen.queryByRole('form')).toBeNull()
  })
})

describe('LeaveMessageForm', () => {
  it('shows each problem by its field after Send, focus on the first to fix', async () => {
    const chat = createChat({ isClosed: () => true })
    withPart(chat)
    await screen.findByRole('form', { name: 'Leave a message' })
    fireEvent.input(field('Email'), { target: { value: 'ana@' } })
    fireEvent.click(within(form()).getByRole('button', { name: 'Send message' }))
    await waitFor(() => expect(field('Email').getAttribute('aria-invalid')).toBe('true'))
    expect(document.activeElement).toBe(field('Email'))
    const describedBy = (name: string) =>
      document.getElementById(field(name).getAttribute('aria-describedby') ?? '')?.textContent
    expect(describedBy('Email')).toBe('Please enter a valid email address.')
    expect(describedBy('Message')).toBe('Please write your message.')
    expect(chat.fake.transport.leaveMessage).not.toHaveBeenCalled()
    // Fixing a field takes its problem away.
    fireEvent.input(field('Email'), { target: { value: 'ana@example.com' } })
    await waitFor(() => expect(field('Email').getAttribute('aria-invalid')).toBe('false'))
    expect(field('Email').getAttribute('aria-describedby')).toBeNull()
  })

  it('keeps everything typed after a failed send, offers Try again, then thanks with the reply address', async () => {
    const chat = createChat({ isClosed: () => true })
    chat.fake.transport.leaveMessage.mockRejectedValueOnce(new NetworkFailure('POST', 'u', 'down'))
    withPart(chat)
    await screen.findByRole('form', { name: 'Leave a message' })
    fireEvent.input(field('Name (optional)'), { target: { value: 'Ana' } })
    fireEvent.input(field('Email'), { target: { value: 'ana@example.com' } })
    fireEvent.input(field('Message'), { target: { value: 'Call me back' } })
    fireEvent.click(within(form()).getByRole('button', { name: 'Send message' }))
    expect((await within(form()).findByRole('alert')).textContent).toBe(
      "We couldn't send your message. Please check your connection and try again.",
    )
    expect(field('Message')).toHaveProperty('value', 'Call me back')
    fireEvent.click(within(form()).getByRole('button', { name: 'Try again' }))
    const thanks = await screen.findByText("Thanks — we'll reply by e-mail to ana@example.com")
    expect(chat.fake.transport.leaveMessage).toHaveBeenLastCalledWith(
      expect.objectContaining({ name: 'Ana', email: 'ana@example.com', text: 'Call me back' }),
    )
    // The form (and the focus in it) is gone: focus goes to the thank-you, inside the window.
    await waitFor(() => expect(document.activeElement).toBe(thanks))
  })

  it('speaks Spanish', async () => {
    await loadLanguage('es')
    const chat = createChat({ isClosed: () => true })
    withPart(chat)
    const leave = await screen.findByRole('form', { name: 'Dejar un mensaje' })
    expect(within(leave).getByRole('textbox', { name: 'Correo electrónico' })).toBeTruthy()
  })
})
