// @vitest-environment happy-dom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact'
import { describe, expect, it, vi } from 'vitest'
import { HttpFailure, NetworkFailure } from '../conversation/failure.ts'
import type { UploadOptions } from '../conversation/ports.ts'
import { createChat, createChatting, renderWindow } from '../testing/chat.tsx'
import { fileGoneFailure } from '../testing/fakes.ts'
import { FileCard } from './FileCard.tsx'
import { Message } from './Message.tsx'
import { MessageMedia } from './MessageMedia.tsx'

const log = () => screen.getByRole('log', { name: 'Messages' })
const at = '2026-01-02T15:04:00Z'

describe('MessageList and Message', () => {
  it('shows the greeting, who joined, the agent’s name and both sides’ words, announced as a log', async () => {
    const chat = await createChatting()
    renderWindow(chat, { greeting: 'Hi! How can we help?' })
    chat.fake.emit({
      type: 'message',
      author: 'agent',
      messageId: 'a1',
      text: 'Hello, I am Ana',
      agentName: 'Ana',
    })
    await waitFor(() => expect(log().textContent).toContain('Hello, I am Ana'))
    expect(log().getAttribute('aria-live')).toBe('polite')
    const text = log().textContent ?? ''
    expect(text.indexOf('Hi! How can we help?')).toBeLessThan(text.indexOf('Hello'))
    expect(text).toContain('Ana joined the chat')
    expect(within(log()).getByText('Ana')).toBeTruthy()
    // A screen reader hears who wrote each bubble.
    expect(text).toContain('You: Hello')
  })

  it('marks a message the proxy could not take "Not sent" with Retry, never "Sending…" for ever', async () => {
    const chat = await createChatting()
    chat.fake.transport.send.mockRejectedValue(
      new HttpFailure('POST', 'u', 502, 'UPSTREAM_ERROR', undefined),
    )
    renderWindow(chat)
    vi.useFakeTimers()
    try {
      chat.model.setDraft('While zChat is down')
      chat.model.send()
      await vi.advanceTimersByTimeAsync(0)
      expect(log().textContent).toContain('Sending…')
      // The outbox tries a few times, backing off, then gives up.
      await vi.advanceTimersByTimeAsync(60_000)
    } finally {
      vi.useRealTimers()
    }
    expect(log().textContent).not.toContain('Sending…')
    const failed = within(log()).getByText('While zChat is down').closest('.zc-msg') as HTMLElement
    expect(within(failed).getByText('Not sent')).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toBe('Could not send. Retry.')

    chat.fake.transport.send.mockResolvedValue({ messageId: 'm-2', eventId: 0 })
    fireEvent.click(within(failed).getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(within(failed).getByText('Sent')).toBeTruthy())
    expect(within(failed).queryByRole('button', { name: 'Retry' })).toBeNull()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('says a file the proxy no longer has must be attached again, offers Remove, not Retry, and the chat goes on', async () => {
    const chat = await createChatting()
    await chat.model.attachment.configure()
    chat.fake.transport.send.mockRejectedValueOnce(fileGoneFailure())
    renderWindow(chat)
    chat.model.attachment.stage(new File(['%PDF-1.7'], 'receipt.pdf', { type: 'application/pdf' }))
    chat.model.setDraft('My receipt')
    chat.model.send()
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This file is no longer available. Please attach it again.',
    )
    const refused = within(log()).getByText('My receipt').closest('.zc-msg') as HTMLElement
    expect(within(refused).getByText('Not sent')).toBeTruthy()
    expect(within(refused).queryByRole('button', { name: 'Retry' })).toBeNull()
    // Not "This chat has ended": the visitor can go on writing, and attach the file again.
    expect(screen.queryByText('This chat has ended or expired.')).toBeNull()
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Attach a file' })).toBeTruthy()
    expect(log().textContent).toContain('You: Hello')

    fireEvent.click(within(refused).getByRole('button', { name: 'Remove' }))
    await waitFor(() => expect(log().textContent).not.toContain('My receipt'))
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('marks a message the proxy refuses "Not sent" with why and Remove: no Retry that would be refused again', async () => {
    const chat = await createChatting()
    chat.fake.transport.send.mockRejectedValueOnce(
      new HttpFailure(
        'POST',
        'u',
        413,
        'PAYLOAD_TOO_LARGE',
        undefined,
        'Request body is too large',
      ),
    )
    renderWindow(chat)
    chat.model.setDraft('A very long story')
    chat.model.send()
    expect((await screen.findByRole('alert')).textContent).toBe(
      "This message can't be sent as it is.",
    )
    const refused = within(log()).getByText('A very long story').closest('.zc-msg') as HTMLElement
    expect(within(refused).getByText('Not sent')).toBeTruthy()
    expect(within(refused).queryByRole('button', { name: 'Retry' })).toBeNull()
    expect(chat.fake.transport.send).toHaveBeenCalledTimes(2)

    // The next message goes as usual; the refused one stays until removed.
    chat.model.setDraft('Shorter')
    chat.model.send()
    await waitFor(() => expect(chat.fake.transport.send).toHaveBeenCalledTimes(3))
    expect(within(refused).getByText('Not sent')).toBeTruthy()
    fireEvent.click(within(refused).getByRole('button', { name: 'Remove' }))
    await waitFor(() => expect(log().textContent).not.toContain('A very long story'))
    expect(log().textContent).toContain('Shorter')
  })

  it('says once why the proxy will not take a file, with Remove and no Retry', async () => {
    const chat = await createChatting()
    await chat.model.attachment.configure()
    chat.fake.transport.upload.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 415, 'UNSUPPORTED_MEDIA_TYPE', undefined, 'Not a PDF'),
    )
    renderWindow(chat)
    chat.model.attachment.stage(new File(['<html>'], 'fake.pdf', { type: 'application/pdf' }))
    chat.model.send()
    await waitFor(() => expect(log().textContent).toContain('Not sent'))
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual([
      "This type of file can't be sent here.",
    ])
    expect(within(log()).queryByRole('button', { name: 'Retry' })).toBeNull()
    fireEvent.click(within(log()).getByRole('button', { name: 'Remove' }))
    await waitFor(() => expect(log().textContent).not.toContain('fake.pdf'))
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('shows the first message "Not sent" when the chat could not start, with Try again', async () => {
    const chat = createChat()
    chat.fake.transport.start.mockRejectedValueOnce(new NetworkFailure('POST', 'u', 'down'))
    renderWindow(chat)
    chat.model.setDraft('Anyone there?')
    chat.model.send()
    const notice = await screen.findByText(
      "We couldn't connect to the chat. Please check your connection and try again.",
    )
    expect(log().textContent).toContain('Not sent')
    expect(log().textContent).not.toContain('Sending…')
    // Retry is the notice's: the message has none of its own while nothing is connected.
    expect(within(log()).queryByRole('button', { name: 'Retry' })).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(notice.isConnected).toBe(false))
    expect(chat.fake.transport.start).toHaveBeenCalledTimes(2)
  })

  it('makes http(s) links clickable in a new tab, and leaves javascript: and data: as text', () => {
    render(
      <Message
        entry={{
          kind: 'agent',
          messageId: 'a1',
          at,
          agentName: 'Ana',
          text: 'Track it at https://shop.test/track?id=1. Or javascript:alert(1) or data:text/html,<b>x</b>',
        }}
      />,
    )
    const links = screen.getAllByRole('link')
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://shop.test/track?id=1'])
    expect(links[0]?.getAttribute('target')).toBe('_blank')
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer')
    expect(screen.getByText(/javascript:alert\(1\) or data:text\/html,<b>x<\/b>/)).toBeTruthy()
    expect(document.querySelector('b')).toBeNull()
  })

  it('lets a person’s text find its own direction (Arabic, Hebrew)', () => {
    render(<Message entry={{ kind: 'agent', messageId: 'a2', at, text: 'مرحبا' }} />)
    expect(screen.getByText('مرحبا').getAttribute('dir')).toBe('auto')
    expect(screen.getByText('Agent:', { exact: false })).toBeTruthy()
    expect(screen.getByText(/^\d\d:\d\d( [AP]M)?$/).tagName).toBe('TIME')
  })
})

describe('MessageMedia', () => {
  it('shows an agent’s image inline, named, and as a link to open it', () => {
    render(
      <MessageMedia
        media={{ kind: 'image', url: 'https://cdn.test/a.png', size: 1536 }}
        by="Ana"
      />,
    )
    const image = screen.getByRole('img', { name: 'Image sent by Ana' })
    expect(image.getAttribute('src')).toBe('https://cdn.test/a.png')
    expect(screen.getByRole('link').getAttribute('href')).toBe('https://cdn.test/a.png')
  })

  it('offers a file by its name and size', () => {
    render(
      <MessageMedia
        media={{
          kind: 'file',
          url: 'https://cdn.test/docs/my%20report.pdf',
          size: 2.25 * 1024 ** 2,
        }}
        by="Ana"
      />,
    )
    expect(screen.getByRole('link', { name: 'Open file: my report.pdf (2.3 MB)' })).toBeTruthy()
  })

  it('renders a javascript: or data: file URL inert: text, no link, no image, no player', () => {
    for (const url of ['javascript:alert(1)', 'data:image/svg+xml,<svg onload=alert(1)>']) {
      const { container, unmount } = render(
        <MessageMedia media={{ kind: 'image', url }} by="Ana" />,
      )
      expect(container.textContent).toBe(url)
      expect(container.querySelector('a, img, audio, video, svg')).toBeNull()
      unmount()
    }
  })

  it('names an agent’s audio by who sent it', () => {
    render(<MessageMedia media={{ kind: 'audio', url: 'https://cdn.test/v.ogg' }} by="Ana" />)
    expect(document.querySelector('audio')?.getAttribute('aria-label')).toBe('Audio sent by Ana')
  })
})

describe('VisitorMedia and FileCard: the visitor’s own file', () => {
  it('shows the upload’s progress with Cancel, then the file as the proxy serves it', async () => {
    const chat = await createChatting()
    await chat.model.attachment.configure()
    let progress: UploadOptions['onProgress'] | undefined
    let finish: (() => void) | undefined
    chat.fake.transport.upload.mockImplementationOnce(
      (_auth, file, options) =>
        new Promise((resolve) => {
          progress = options.onProgress
          finish = () =>
            resolve({
              uploadId: 'upload-000000000001',
              url: 'https://proxy.test/v1/media/upload-000000000001/plan.pdf',
              kind: 'file',
              name: file.name,
              type: file.type,
              size: file.size,
            })
        }),
    )
    renderWindow(chat)
    chat.model.attachment.stage(
      new File(['%PDF-1.7 plan'], 'plan.pdf', { type: 'application/pdf' }),
    )
    chat.model.send()
    const bar = await screen.findByRole('progressbar', { name: 'Uploading plan.pdf' })
    progress?.(0.6)
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('60'))
    // Announced in quarters, not at every step.
    expect(screen.getByText('Uploading plan.pdf: 50%')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Cancel uploading plan.pdf' })).toBeTruthy()
    finish?.()
    expect(await screen.findByRole('link', { name: 'Open file: plan.pdf (13 bytes)' })).toBeTruthy()
    expect(screen.queryByRole('progressbar')).toBeNull()
  })

  it('shows a picture from the browser until its message is sent, then as the proxy serves it', async () => {
    const chat = await createChatting()
    await chat.model.attachment.configure()
    let accept: (() => void) | undefined
    chat.fake.transport.send.mockImplementationOnce(
      () =>
        new Promise((resolve) => {
          accept = () => resolve({ messageId: 'm2', eventId: 7 })
        }),
    )
    renderWindow(chat)
    chat.model.attachment.stage(new File(['png'], 'cat.png', { type: 'image/png' }))
    chat.model.send()
    await waitFor(() => expect(accept).toBeDefined())
    // Uploaded, not yet sent: the proxy would answer 404 for its URL.
    const picture = within(log()).getByRole('img', { name: 'cat.png' })
    expect(picture.getAttribute('src')).toMatch(/^blob:/)
    expect(screen.queryByRole('progressbar')).toBeNull()
    accept?.()
    await waitFor(() =>
      expect(within(log()).getByRole('img', { name: 'cat.png' }).getAttribute('src')).toMatch(
        /^https:\/\/proxy\.test\/v1\/media\//,
      ),
    )
  })

  it('takes a cancelled upload out of the log', async () => {
    const chat = await createChatting()
    await chat.model.attachment.configure()
    chat.fake.transport.upload.mockImplementationOnce(
      (_auth, _file, { signal }) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        ),
    )
    renderWindow(chat)
    chat.model.attachment.stage(new File(['x'], 'big.pdf', { type: 'application/pdf' }))
    chat.model.send()
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel uploading big.pdf' }))
    await waitFor(() => expect(log().textContent).not.toContain('big.pdf'))
  })

  it('shows a picture’s thumbnail, or an icon with the name and size', () => {
    const { rerender } = render(
      <FileCard media={{ kind: 'image', url: 'blob:https://site.test/1', name: 'cat.png' }} />,
    )
    expect(screen.getByRole('img', { name: 'cat.png' })).toBeTruthy()
    rerender(<FileCard media={{ kind: 'file', url: '', name: 'cv.pdf', size: 200 * 1024 }} />)
    expect(screen.getByText('cv.pdf')).toBeTruthy()
    expect(screen.getByText('200 kB')).toBeTruthy()
  })
})
