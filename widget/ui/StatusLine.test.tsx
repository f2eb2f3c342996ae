// @vitest-environment happy-dom
import { render, screen, waitFor } from '@testing-library/preact'
import { describe, expect, it, vi } from 'vitest'
import { HttpFailure, NetworkFailure } from '../conversation/failure.ts'
import { loadLanguage } from '../i18n/text.ts'
import { createChat, createChatting, renderWindow } from '../testing/chat.tsx'
import { AlertLine } from './AlertLine.tsx'
import { QueueStatus } from './QueueStatus.tsx'
import { TypingIndicator } from './TypingIndicator.tsx'

/** The window's polite live region: it stays mounted, so each change is announced. */
const status = () => {
  const regions = screen.getAllByRole('status')
  const line = regions.find((region) => region.classList.contains('zc-status'))
  if (!line) throw new Error('no status line')
  return line
}

describe('StatusLine, QueueStatus and TypingIndicator', () => {
  it('says connecting, then the queue position, then that the agent is typing, in one region', async () => {
    const chat = createChat()
    renderWindow(chat)
    const line = status()
    expect(line.textContent).toBe('')
    chat.model.setDraft('Hi')
    chat.model.send()
    await waitFor(() => expect(line.textContent).toBe('Connecting…'))
    await waitFor(() => expect(chat.fake.transport.subscribe).toHaveBeenCalled())
    chat.fake.emit({ type: 'queued', position: 3 })
    await waitFor(() =>
      expect(line.textContent).toBe('You are number 3 in the queue (2 people ahead of you)'),
    )
    chat.fake.emit({ type: 'queued', position: null })
    await waitFor(() => expect(line.textContent).toBe('Waiting for an agent…'))
    chat.fake.emit({ type: 'accepted' })
    await waitFor(() => expect(line.textContent).toBe(''))
    chat.fake.emit({ type: 'typing' })
    await waitFor(() => expect(line.textContent).toBe('Agent is typing…'))
    chat.fake.emit({ type: 'cleared' })
    await waitFor(() => expect(line.textContent).toBe(''))
    expect(status()).toBe(line)
  })

  it('says the connection dropped while a chat is on', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    chat.fake.status('reconnecting')
    await waitFor(() => expect(status().textContent).toBe('Connection lost. Reconnecting…'))
    chat.fake.status('live')
    await waitFor(() => expect(status().textContent).toBe(''))
  })

  it('counts the queue in the language’s plural forms', async () => {
    const { container, rerender } = render(<QueueStatus position={1} />)
    expect(container.textContent).toBe('You are number 1 in the queue')
    rerender(<QueueStatus position={2} />)
    expect(container.textContent).toBe('You are number 2 in the queue (1 person ahead of you)')
    await loadLanguage('es')
    rerender(<QueueStatus position={3} />)
    expect(container.textContent).toBe('Eres el número 3 en la cola (2 personas antes que tú)')
    rerender(<QueueStatus position={null} />)
    expect(container.textContent).toBe('Esperando a un agente…')
    await loadLanguage('pt-BR')
    rerender(<TypingIndicator />)
    expect(container.textContent).toMatch(/digitando/)
  })
})

describe('AlertLine: why the last message was not sent', () => {
  it('says the visitor is offline, next to Not sent', async () => {
    const chat = await createChatting({ isOffline: () => true })
    chat.fake.transport.send.mockRejectedValueOnce(new NetworkFailure('POST', 'u', 'offline'))
    renderWindow(chat)
    chat.model.setDraft('In the tunnel')
    chat.model.send()
    expect((await screen.findByRole('alert')).textContent).toBe(
      'You are offline; we will send when you are back.',
    )
    expect(screen.getByRole('log').textContent).toContain('Not sent')
  })

  it('asks to wait as long as the proxy said, in seconds', async () => {
    const chat = await createChatting()
    chat.fake.transport.send.mockRejectedValue(
      new HttpFailure('POST', 'u', 429, 'RATE_LIMITED', 7_500),
    )
    renderWindow(chat)
    vi.useFakeTimers()
    try {
      chat.model.setDraft('Again')
      chat.model.send()
      // The outbox tries again after each Retry-After before it gives up.
      await vi.advanceTimersByTimeAsync(30_000)
      expect(screen.getByRole('alert').textContent).toBe(
        'Too many messages at once. Please wait 8 seconds, then Retry.',
      )
    } finally {
      vi.useRealTimers()
    }
  })

  it('says nothing when nothing went wrong, and speaks the page’s language', async () => {
    const chat = await createChatting()
    const { container } = render(<AlertLine model={chat.model} />)
    expect(container.innerHTML).toBe('')
    await loadLanguage('pt-BR')
    chat.model.alert.value = 'too-long'
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'Sua mensagem é longa demais: no máximo 4.000 caracteres.',
      ),
    )
  })
})
