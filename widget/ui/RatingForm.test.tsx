// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { HttpFailure } from '../conversation/failure.ts'
import { createChatting, renderWindow } from '../testing/chat.tsx'

async function ended() {
  const chat = await createChatting()
  renderWindow(chat)
  chat.fake.emit({ type: 'finished', by: 'agent' })
  await screen.findByText('The chat has ended')
  return chat
}

const form = () => screen.getByRole('form', { name: 'Rate this chat' })

describe('ChatEnded and RatingForm', () => {
  it('says the chat ended, asks Good or Bad, then for a comment, and thanks the visitor', async () => {
    const chat = await ended()
    expect(screen.getByText('The chat has ended').closest('[role=status]')).toBeTruthy()
    expect(within(form()).queryByRole('textbox')).toBeNull()
    const good = within(form()).getByRole('button', { name: 'Good' })
    const bad = within(form()).getByRole('button', { name: 'Bad' })
    expect([good.getAttribute('aria-pressed'), bad.getAttribute('aria-pressed')]).toEqual([
      'false',
      'false',
    ])
    fireEvent.click(bad)
    await waitFor(() => expect(bad.getAttribute('aria-pressed')).toBe('true'))
    expect(good.getAttribute('aria-pressed')).toBe('false')
    const comment = within(form()).getByRole('textbox', { name: 'Comment (optional)' })
    fireEvent.input(comment, { target: { value: ' Too slow ' } })
    const sendRating = within(form()).getByRole('button', { name: 'Send rating' })
    sendRating.focus()
    fireEvent.click(sendRating)
    expect(await screen.findByText('Thanks for your feedback')).toBeTruthy()
    expect(chat.fake.transport.rate).toHaveBeenCalledWith(expect.anything(), {
      mood: 'negative',
      comment: 'Too slow',
    })
    expect(screen.queryByRole('form', { name: 'Rate this chat' })).toBeNull()
    // The focused Send rating went with the form: focus stays in the window, not on the page.
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Start a new chat' })),
    )
  })

  it('says a rating failed, keeps the choice and comment, and sends it again', async () => {
    const chat = await ended()
    let fail = () => {}
    chat.fake.transport.rate.mockImplementationOnce(
      () =>
        new Promise((_resolve, reject) => {
          fail = () => reject(new HttpFailure('POST', 'u', 502, 'UPSTREAM_ERROR', undefined))
        }),
    )
    fireEvent.click(within(form()).getByRole('button', { name: 'Good' }))
    const comment = await within(form()).findByRole('textbox', { name: 'Comment (optional)' })
    fireEvent.input(comment, { target: { value: 'Thanks!' } })
    const send = within(form()).getByRole('button', { name: 'Send rating' })
    fireEvent.click(send)
    // While it is on its way a second press does nothing.
    await waitFor(() => expect(send.getAttribute('aria-disabled')).toBe('true'))
    fireEvent.click(send)
    expect(chat.fake.transport.rate).toHaveBeenCalledTimes(1)
    fail()
    expect((await screen.findByRole('alert')).textContent).toBe(
      "We couldn't send your rating. Please try again.",
    )
    expect(chat.fake.transport.rate).toHaveBeenCalledTimes(1)
    expect(within(form()).getByRole('button', { name: 'Good' }).getAttribute('aria-pressed')).toBe(
      'true',
    )
    expect(within(form()).getByRole('textbox', { name: 'Comment (optional)' })).toHaveProperty(
      'value',
      'Thanks!',
    )
    fireEvent.click(within(form()).getByRole('button', { name: 'Send rating' }))
    expect(await screen.findByText('Thanks for your feedback')).toBeTruthy()
    expect(chat.fake.transport.rate).toHaveBeenCalledTimes(2)
  })

  it('says once, and for good, that a rating zChat refused could not be recorded', async () => {
    const chat = await ended()
    chat.fake.transport.rate.mockRejectedValueOnce(
      new HttpFailure('PUT', 'u', 422, 'UNPROCESSABLE', undefined, 'zChat refused', 'upstream'),
    )
    fireEvent.click(within(form()).getByRole('button', { name: 'Good' }))
    const send = await within(form()).findByRole('button', { name: 'Send rating' })
    send.focus()
    fireEvent.click(send)
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Your rating could not be recorded.',
    )
    expect(screen.queryByRole('form', { name: 'Rate this chat' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Send rating' })).toBeNull()
    // The focused Send rating went with the form: focus stays in the window, not on the page.
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Start a new chat' })),
    )
  })

  it('starts a new chat from the ended one', async () => {
    await ended()
    fireEvent.click(screen.getByRole('button', { name: 'Start a new chat' }))
    expect(await screen.findByRole('textbox', { name: 'Message' })).toBeTruthy()
    expect(screen.queryByText('The chat has ended')).toBeNull()
  })
})
