// @vitest-environment happy-dom
import { fireEvent, render, screen, within } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { limits } from '../../protocol/wire.ts'
import { HttpFailure } from '../conversation/failure.ts'
import type { Locale } from '../i18n/locale.ts'
import { loadLanguage } from '../i18n/text.ts'
import { createChat, createChatting, renderWindow } from '../testing/chat.tsx'
import { Message } from './Message.tsx'

/** A sample of the window in each language: its name, its buttons, the composer and its counter. */
const windows: Record<
  Locale,
  { title: string; endChat: string; minimize: string; message: string; send: string; left: string }
> = {
  en: {
    title: 'Chat with us',
    endChat: 'End chat',
    minimize: 'Minimize',
    message: 'Message',
    send: 'Send',
    left: '1 character left',
  },
  'pt-BR': {
    title: 'Fale conosco',
    endChat: 'Encerrar conversa',
    minimize: 'Minimizar',
    message: 'Mensagem',
    send: 'Enviar',
    left: 'Resta 1 caractere',
  },
  es: {
    title: 'Chatea con nosotros',
    endChat: 'Terminar chat',
    minimize: 'Minimizar',
    message: 'Mensaje',
    send: 'Enviar',
    left: 'Queda 1 carácter',
  },
}

describe('the chat in the page’s language', () => {
  for (const [locale, words] of Object.entries(windows) as Array<[Locale, typeof windows.en]>) {
    it(`names the window, its buttons and the message box in ${locale}`, async () => {
      await loadLanguage(locale)
      const chat = await createChatting()
      renderWindow(chat)
      const dialog = screen.getByRole('dialog', { name: words.title })
      within(dialog).getByRole('button', { name: words.endChat })
      within(dialog).getByRole('button', { name: words.minimize })
      within(dialog).getByRole('button', { name: words.send })
      const box = within(dialog).getByRole('textbox', { name: words.message })
      fireEvent.input(box, { target: { value: 'x'.repeat(limits.textLength - 1) } })
      expect(within(dialog).getByText(words.left)).toBeTruthy()
    })
  }

  it('asks who the visitor is in Portuguese, the privacy link inside the sentence', async () => {
    await loadLanguage('pt-BR')
    const chat = createChat({
      prechat: {
        fields: [
          { field: 'name', required: false },
          { field: 'email', required: false },
        ],
        privacyUrl: 'https://site.test/privacy',
        consentRequired: false,
      },
    })
    renderWindow(chat)
    expect(
      screen.getByRole('group', {
        name: 'Diga quem você é (opcional) e escreva sua mensagem abaixo.',
      }),
    ).toBeTruthy()
    expect(screen.getByRole('textbox', { name: 'Nome' })).toBeTruthy()
    expect(screen.getByRole('textbox', { name: 'E-mail' })).toBeTruthy()
    expect(
      screen.getByText(
        (_, element) =>
          element?.textContent ===
            'Ao conversar conosco, você concorda com a nossa política de privacidade.' &&
          element.tagName === 'P',
      ),
    ).toBeTruthy()
    expect(screen.getByRole('link', { name: 'política de privacidade' })).toBeTruthy()
  })

  it('marks a failed message "Não enviada" with Reenviar, its time on a 24-hour clock', async () => {
    await loadLanguage('pt-BR')
    render(
      <Message
        entry={{
          kind: 'visitor',
          clientId: 'c1',
          text: 'Olá',
          at: '2026-01-02T15:04:00Z',
          delivery: 'failed',
        }}
        onRetry={() => {}}
        onRemove={() => {}}
        attachment={{} as never}
      />,
    )
    expect(screen.getByText('Não enviada')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Reenviar' })).toBeTruthy()
    // The zone is the machine's, so only the shape.
    expect(screen.getByText(/^\d\d:\d\d$/).tagName).toBe('TIME')
  })

  it('says in Portuguese that a file is no longer available, with Remover and no Reenviar', async () => {
    await loadLanguage('pt-BR')
    const chat = await createChatting()
    await chat.model.attachment.configure()
    chat.fake.transport.send.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 422, 'UNPROCESSABLE', undefined, 'gone', 'upload'),
    )
    renderWindow(chat)
    chat.model.attachment.stage(new File(['%PDF-1.7'], 'nota.pdf', { type: 'application/pdf' }))
    chat.model.send()
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Este arquivo não está mais disponível. Anexe-o de novo.',
    )
    const log = screen.getByRole('log')
    expect(within(log).getByText('Não enviada')).toBeTruthy()
    expect(within(log).getByRole('button', { name: 'Remover' })).toBeTruthy()
    expect(within(log).queryByRole('button', { name: 'Reenviar' })).toBeNull()
  })

  it('says in Spanish that a refused message cannot be sent, with Quitar and no Reintentar', async () => {
    await loadLanguage('es')
    const chat = await createChatting()
    chat.fake.transport.send.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 400, 'VALIDATION_ERROR', undefined, 'Invalid message'),
    )
    renderWindow(chat)
    chat.model.setDraft('Hola')
    chat.model.send()
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Este mensaje no se puede enviar así.',
    )
    const log = screen.getByRole('log')
    expect(within(log).getByText('No enviado')).toBeTruthy()
    expect(within(log).getByRole('button', { name: 'Quitar' })).toBeTruthy()
    expect(within(log).queryByRole('button', { name: 'Reintentar' })).toBeNull()
  })

  it('gives file sizes with the language’s decimal comma and units', async () => {
    await loadLanguage('pt-BR')
    const chat = await createChatting()
    await chat.model.attachment.configure()
    renderWindow(chat)
    const big = new File(['x'], 'scan.pdf', { type: 'application/pdf' })
    Object.defineProperty(big, 'size', { value: 12.5 * 1024 * 1024 })
    chat.model.attachment.stage(big)
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Este arquivo é grande demais (13 MB). O limite é 10 MB.',
    )
    const small = new File(['x'.repeat(1536)], 'nota.pdf', { type: 'application/pdf' })
    chat.model.attachment.stage(small)
    const preview = await screen.findByRole('group', { name: 'Arquivo a enviar' })
    expect(within(preview).getByText('1,5 kB')).toBeTruthy()
    // The message box is the file's caption, in Portuguese too.
    const caption = screen.getByRole('textbox', { name: 'Adicione uma legenda' })
    expect(caption.getAttribute('placeholder')).toBe('Adicione uma legenda…')
  })

  it('asks for a rating in Spanish', async () => {
    await loadLanguage('es')
    const chat = await createChatting()
    renderWindow(chat)
    chat.fake.emit({ type: 'finished', by: 'agent' })
    const form = await screen.findByRole('form', { name: 'Valora este chat' })
    expect(within(form).getByRole('button', { name: 'Bien' })).toBeTruthy()
  })
})
