// @vitest-environment happy-dom
/**
 * The site's choice in the window (DepartmentChoice, ChannelChoice, AnsweredElsewhere): radio groups
 * named by their legend before the first message, and, once the agent answers on the visitor's
 * phone, where, in place of the message box.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { describe, expect, it, vi } from 'vitest'
import { offerChoice } from '../chat/offer-choice.ts'
import { defaultPrechat } from '../conversation/prechat.ts'
import { loadLanguage } from '../i18n/text.ts'
import type { ChatAttributes } from '../loader-chat-interface.ts'
import { createChat, renderWindow, settle } from '../testing/chat.tsx'
import { future } from '../testing/fakes.ts'

const departments = JSON.stringify([
  { id: 7, label: 'Vendas' },
  { id: 8, label: 'Suporte técnico' },
  // Open on the 30th of February only: always closed.
  { id: 9, label: 'Financeiro', hours: 'sat 00:00-00:01' },
])

function setup(attributes: ChatAttributes, department?: number) {
  const chat = createChat({ prechat: { ...defaultPrechat, fields: [], choice: true } })
  offerChoice(chat.model, attributes, department, Date.now)
  renderWindow(chat)
  const write = (text: string) => {
    fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), {
      target: { value: text },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
  }
  return { ...chat, write }
}

describe('the department choice', () => {
  it('is a radio group named by its question; the chosen department goes with the start', async () => {
    const { model, fake, write } = setup({ departments }, 8)
    const group = screen.getByRole('group', { name: 'Who would you like to talk to?' })
    const radios = within(group).getAllByRole('radio') as HTMLInputElement[]
    expect(radios.map((radio) => radio.labels?.[0]?.textContent)).toEqual([
      'Vendas',
      'Suporte técnico',
      expect.stringMatching(/^Financeiro/),
    ])
    // data-department comes chosen.
    expect(radios.map((radio) => radio.checked)).toEqual([false, true, false])
    fireEvent.click(within(group).getByRole('radio', { name: 'Vendas' }))
    write('Olá')
    await waitFor(() => expect(fake.transport.start).toHaveBeenCalledWith({ department: 7 }))
    expect(model.phase.value.name).not.toBe('prechat')
  })

  it('says a closed department is closed, and when it opens, and keeps it from being chosen', async () => {
    setup({ departments, hours: 'daily 00:00-24:00' })
    const finance = await screen.findByRole('radio', { name: /Financeiro \(closed now · Sat/ })
    expect((finance as HTMLInputElement).disabled).toBe(true)
    expect((screen.getByRole('radio', { name: 'Vendas' }) as HTMLInputElement).disabled).toBe(false)
  })

  it('says what is missing under the group, and takes focus there', async () => {
    const { fake, write } = setup({ departments })
    write('Olá')
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toBe('Please choose who you would like to talk to.')
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('radio', { name: 'Vendas' })),
    )
    expect(fake.transport.start).not.toHaveBeenCalled()
  })

  it('warns once about data-departments it cannot read, and uses data-department', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { fake, write } = setup({ departments: '[{"id":7,"label":"Vendas"}' })
    expect(screen.queryByRole('group', { name: 'Who would you like to talk to?' })).toBeNull()
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[0]).toMatch(
      /^\[zchat\] ignoring data-departments .*using data-department$/,
    )
    write('Olá')
    await waitFor(() => expect(fake.transport.start).toHaveBeenCalledWith({ department: 1 }))
    warn.mockRestore()
  })
})

describe('the channel choice', () => {
  it('answers in the chat by default; on WhatsApp it asks for the phone, checked before the start', async () => {
    const { fake, write } = setup({ channels: 'web,whatsapp,sms' })
    const group = screen.getByRole('group', { name: 'Where should we answer you?' })
    expect(
      within(group)
        .getAllByRole('radio')
        .map((radio) => radio.parentElement?.textContent),
    ).toEqual(['Here in the chat', 'Continue on WhatsApp', 'Continue by SMS'])
    expect(screen.queryByRole('textbox', { name: /WhatsApp number/ })).toBeNull()
    fireEvent.click(within(group).getByRole('radio', { name: 'Continue on WhatsApp' }))
    const phone = screen.getByRole('textbox', { name: /Your WhatsApp number/ }) as HTMLInputElement
    expect(phone.required).toBe(true)
    write('Olá')
    expect((await screen.findByRole('alert')).textContent).toBe('Please enter your phone number.')
    fireEvent.input(phone, { target: { value: '(11) 99141-7777' } })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    await waitFor(() =>
      expect(fake.transport.start).toHaveBeenCalledWith({
        department: 1,
        channel: 'whatsapp',
        visitor: { phone: '(11) 99141-7777' },
      }),
    )
  })

  it("asks for the phone once, in the channel's words, when the form has a phone field too", () => {
    const chat = createChat({
      prechat: { ...defaultPrechat, fields: [{ field: 'phone', required: false }], choice: true },
    })
    offerChoice(chat.model, { channels: 'whatsapp,web' }, undefined, Date.now)
    renderWindow(chat)
    const phones = () => screen.getAllByRole('textbox', { name: /phone|number/i }).map((i) => i.id)
    expect(phones()).toEqual(['zc-phone'])
    fireEvent.click(screen.getByRole('radio', { name: 'Continue on WhatsApp' }))
    expect(phones()).toEqual(['zc-answer-phone'])
  })
})

describe('a conversation answered on WhatsApp', () => {
  async function answeredOnWhatsApp(lang: 'en' | 'pt-BR' = 'en') {
    await loadLanguage(lang)
    const chat = setup({ channels: 'web,whatsapp' })
    chat.fake.transport.start.mockResolvedValueOnce({
      conversationId: 'c1',
      credential: 'k1',
      expiresAt: future,
      answeredOn: { channel: 'whatsapp', phone: '11991417777' },
    })
    chat.model.prechat.choice.value?.setChannel('whatsapp')
    chat.model.setProfile({ phone: '11991417777' })
    chat.model.setDraft('Meu pedido atrasou')
    chat.model.send()
    await settle()
    return chat
  }

  it('says where the answer goes, keeps what was sent, and has no message box', async () => {
    const { fake } = await answeredOnWhatsApp('pt-BR')
    const where = await screen.findByText('Vamos responder no seu WhatsApp +55 11 99141-7777.')
    expect(where.getAttribute('role')).toBe('status')
    expect(screen.getByRole('log').textContent).toContain('Meu pedido atrasou')
    expect(screen.queryByRole('textbox', { name: 'Mensagem' })).toBeNull()
    fake.emit({ type: 'queued', position: 1 })
    expect(await screen.findByText('Você é o número 1 na fila')).toBeTruthy()
  })

  it('"Chat here instead" ends it and starts a chat here, with it as earlier history', async () => {
    const { model, fake } = await answeredOnWhatsApp()
    fireEvent.click(await screen.findByRole('button', { name: 'Chat here instead' }))
    await waitFor(() => expect(model.phase.value.name).toBe('prechat'))
    expect(fake.transport.finish).toHaveBeenCalledWith({ conversationId: 'c1', credential: 'k1' })
    expect(model.answeredOn.value).toBeNull()
    expect(screen.getByRole('radio', { name: 'Here in the chat' })).toHaveProperty('checked', true)
    fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), {
      target: { value: 'Prefiro aqui' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    await waitFor(() => expect(fake.transport.start).toHaveBeenCalledTimes(2))
    expect(fake.transport.start).toHaveBeenLastCalledWith(
      expect.objectContaining({ previous: { conversationId: 'c1', credential: 'k1' } }),
    )
    expect(fake.transport.start.mock.lastCall?.[0]).not.toHaveProperty('channel')
  })
})
