// @vitest-environment happy-dom
import { fireEvent, render, screen, waitFor } from '@testing-library/preact'
import { describe, expect, it, vi } from 'vitest'
import { HttpFailure } from '../conversation/failure.ts'
import { createChat, createChatting, renderWindow } from '../testing/chat.tsx'
import { CrashGuard } from './CrashGuard.tsx'

describe('FailureNotice', () => {
  it('says the chat is gone and offers a new one, when the proxy no longer knows it', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    chat.fake.gone()
    const notice = await screen.findByRole('alert')
    expect(notice.textContent).toBe('This chat has ended or expired.Start a new chat')
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Start a new chat' }))
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull())
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeTruthy()
  })

  it('says the chat is busy when the proxy turns the start away for a while, with Try again', async () => {
    const chat = createChat()
    chat.fake.transport.start.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 429, 'RATE_LIMITED', 1_000),
    )
    renderWindow(chat)
    chat.model.setDraft('Hi')
    chat.model.send()
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The chat is very busy right now. Please wait a moment and try again.',
    )
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy()
  })
})

describe('CrashGuard', () => {
  it('puts a sentence in place of a window that failed to render, and warns once, prefixed', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    function Broken(): never {
      throw new Error('bug')
    }
    try {
      render(
        <CrashGuard title="Chat with us">
          <Broken />
        </CrashGuard>,
      )
      expect(screen.getByRole('dialog', { name: 'Chat with us' })).toBeTruthy()
      expect(screen.getByRole('alert').textContent).toBe(
        'Sorry, the chat stopped working. Please reload the page.',
      )
      expect(warn).toHaveBeenCalledTimes(1)
      expect(warn.mock.calls[0]?.[0]).toBe('[zchat] the chat window failed')
    } finally {
      warn.mockRestore()
    }
  })

  it('renders the window as it is when nothing fails', () => {
    render(
      <CrashGuard title="Chat with us">
        <p>fine</p>
      </CrashGuard>,
    )
    expect(screen.getByText('fine')).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })
})
