// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HttpFailure } from '../conversation/failure.ts'
import type { ConversationDeps } from '../conversation/model.ts'
import { defaultPrechat } from '../conversation/prechat.ts'
import { createChatting, renderWindow, settle } from '../testing/chat.tsx'
import { memorySessionStore } from '../testing/fakes.ts'

/** What the browser was handed to download: the file's name and its text. */
let downloads: Array<{ name: string; text: Promise<string> }> = []
beforeEach(() => {
  downloads = []
  const blobs = new Map<string, Blob>()
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = `blob:test/${blobs.size}`
    blobs.set(url, blob as Blob)
    return url
  })
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
  // The browser's download: what the link would save, read instead of followed.
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    const blob = blobs.get(this.href)
    if (blob) downloads.push({ name: this.download, text: blob.text() })
  })
})
afterEach(() => vi.restoreAllMocks())

async function ended(overrides: Partial<ConversationDeps> = {}) {
  const chat = await createChatting(overrides)
  renderWindow(chat)
  chat.fake.emit({
    type: 'message',
    author: 'agent',
    messageId: 'a1',
    text: 'Your order ships today',
    agentName: 'Ana',
  })
  chat.fake.emit({ type: 'finished', by: 'agent' })
  await screen.findByText('The chat has ended')
  return chat
}

describe("the visitor's record", () => {
  it('downloads the conversation from the header while it goes on, and from the ended window', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    chat.fake.emit({ type: 'message', author: 'agent', messageId: 'a1', text: 'Hi there' })
    fireEvent.click(await screen.findByRole('button', { name: 'Download the conversation' }))
    expect(downloads).toHaveLength(1)
    expect(downloads[0]!.name).toMatch(/^chat-\d{4}-\d\d-\d\d\.txt$/)
    const during = await downloads[0]!.text
    expect(during).toMatch(/You: Hello\n/)
    expect(during).toMatch(/Agent: Hi there\n/)
    expect(during).not.toContain('The chat has ended')

    chat.fake.emit({ type: 'finished', by: 'agent' })
    await screen.findByText('The chat has ended')
    const buttons = screen.getAllByRole('button', { name: 'Download the conversation' })
    // One in the ended window; the header's went with End chat.
    expect(buttons).toHaveLength(1)
    fireEvent.click(buttons[0]!)
    const after = await downloads[1]!.text
    expect(after).toContain('You: Hello')
    expect(after).toContain('Agent: Hi there')
    expect(after.trimEnd().endsWith('The chat has ended')).toBe(true)
  })

  it('emails the transcript to the address the visitor gave, once it is a valid one', async () => {
    const chat = await ended()
    chat.model.identify({ email: 'ana@example.com' })
    fireEvent.click(await screen.findByRole('button', { name: 'Email me the transcript' }))
    const form = screen.getByRole('form', { name: 'Email me the transcript' })
    const field = within(form).getByRole('textbox', { name: 'Email' })
    expect(field).toHaveProperty('value', 'ana@example.com')
    await waitFor(() => expect(document.activeElement).toBe(field))
    fireEvent.input(field, { target: { value: 'ana@' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Send' }))
    expect(await screen.findByText('Please enter a valid email address.')).toBeTruthy()
    expect(chat.fake.transport.requestTranscript).not.toHaveBeenCalled()
    fireEvent.input(field, { target: { value: ' ana@shop.example ' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Send' }))
    expect(await screen.findByText("We'll send the transcript to ana@shop.example.")).toBeTruthy()
    expect(chat.fake.transport.requestTranscript).toHaveBeenCalledWith(
      { conversationId: 'c1', credential: 'k1' },
      { email: 'ana@shop.example', language: 'en', timeZone: expect.any(String) },
    )
  })

  it('offers no e-mail when the site does not take transcript requests', async () => {
    const chat = await createChatting()
    chat.fake.transport.config.mockResolvedValue({
      uploads: null,
      leaveMessage: true,
      transcriptByEmail: false,
    })
    renderWindow(chat)
    chat.fake.emit({ type: 'finished', by: 'agent' })
    await screen.findByText('The chat has ended')
    await waitFor(() => expect(chat.fake.transport.config).toHaveBeenCalled())
    await settle()
    expect(screen.queryByRole('button', { name: 'Email me the transcript' })).toBeNull()
    expect(screen.getByRole('button', { name: 'Delete my data' })).toBeTruthy()
  })

  it('says when the transcript could not be sent, and sends it again', async () => {
    const chat = await ended()
    chat.fake.transport.requestTranscript.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 503, 'SERVICE_UNAVAILABLE', 60),
    )
    fireEvent.click(await screen.findByRole('button', { name: 'Email me the transcript' }))
    const form = screen.getByRole('form', { name: 'Email me the transcript' })
    fireEvent.input(within(form).getByRole('textbox', { name: 'Email' }), {
      target: { value: 'ana@example.com' },
    })
    fireEvent.click(within(form).getByRole('button', { name: 'Send' }))
    expect((await screen.findByRole('alert')).textContent).toBe(
      "We couldn't send the transcript. Please try again.",
    )
    fireEvent.click(within(form).getByRole('button', { name: 'Send' }))
    expect(await screen.findByText("We'll send the transcript to ana@example.com.")).toBeTruthy()
    expect(chat.fake.transport.requestTranscript).toHaveBeenCalledTimes(2)
  })

  it("deletes the visitor's data after asking: on the proxy, in the browser and in the window", async () => {
    const session = memorySessionStore()
    const chat = await ended({
      session,
      prechat: { ...defaultPrechat, privacyUrl: 'https://shop.example/privacy' },
    })
    expect(session.load()).not.toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Delete my data' }))
    const question = screen.getByRole('group', {
      name: 'Delete this conversation and your files? This cannot be undone.',
    })
    // Cancel first: nothing happens, and focus goes back where it was.
    await waitFor(() =>
      expect(document.activeElement).toBe(within(question).getByRole('button', { name: 'Cancel' })),
    )
    fireEvent.click(within(question).getByRole('button', { name: 'Cancel' }))
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Delete my data' }))
    expect(chat.fake.transport.erase).not.toHaveBeenCalled()

    fireEvent.click(screen.getByRole('button', { name: 'Delete my data' }))
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete' }))
    expect(await screen.findByText('Your data was deleted')).toBeTruthy()
    expect(chat.fake.transport.erase).toHaveBeenCalledWith({
      conversationId: 'c1',
      credential: 'k1',
    })
    expect(session.load()).toBeNull()
    expect(chat.fake.subscriptions[0]!.closed).toBe(true)
    const log = screen.getByRole('log')
    expect(log.textContent).not.toContain('Hello')
    expect(log.textContent).not.toContain('Your order ships today')
    expect(screen.queryByRole('form', { name: 'Rate this chat' })).toBeNull()
    // What was not deleted, and whom to ask.
    expect(screen.getByText(/keeps its own record of the conversation/)).toBeTruthy()
    expect(screen.getByRole('link', { name: 'privacy contact' }).getAttribute('href')).toBe(
      'https://shop.example/privacy',
    )

    // A new chat carries nothing of the erased one.
    fireEvent.click(screen.getByRole('button', { name: 'Start a new chat' }))
    chat.model.setDraft('Another question')
    chat.model.send()
    await waitFor(() => expect(chat.fake.transport.start).toHaveBeenCalledTimes(2))
    expect(chat.fake.transport.start.mock.calls[1]![0]).not.toHaveProperty('previous')
  })

  it('says when deleting failed, keeps everything, and lets the visitor try again', async () => {
    const chat = await ended()
    chat.fake.transport.erase.mockRejectedValueOnce(
      new HttpFailure('DELETE', 'u', 503, 'SERVICE_UNAVAILABLE', 1),
    )
    fireEvent.click(screen.getByRole('button', { name: 'Delete my data' }))
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete' }))
    expect((await screen.findByRole('alert')).textContent).toBe(
      "We couldn't delete your data. Please try again.",
    )
    expect(screen.getByRole('log').textContent).toContain('Your order ships today')
    fireEvent.click(screen.getByRole('button', { name: 'Delete my data' }))
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete' }))
    expect(await screen.findByText('Your data was deleted')).toBeTruthy()
    // Without the site's privacy address, the site's owner.
    expect(screen.getByText(/write to this site's owner/)).toBeTruthy()
  })
})
