// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { beforeAll, describe, expect, it } from 'vitest'
import { createChat, createChatting, renderWindow } from '../testing/chat.tsx'

const messageBox = () => screen.getByRole('textbox', { name: 'Message' })

describe('ChatWindow', () => {
  it('is a dialog named after the site’s title, and moves focus to the message box when opened', async () => {
    const chat = await createChatting()
    renderWindow(chat, { title: 'Acme help' })
    const dialog = screen.getByRole('dialog', { name: 'Acme help' })
    expect(dialog.getAttribute('aria-modal')).toBeNull()
    expect(within(dialog).getByRole('heading', { name: 'Acme help' })).toBeTruthy()
    await waitFor(() => expect(document.activeElement).toBe(messageBox()))
  })

  it('minimizes with Escape, and with the Minimize button', async () => {
    const chat = await createChatting()
    const { onClose } = renderWindow(chat)
    fireEvent.keyDown(messageBox(), { key: 'Escape' })
    expect(onClose).toHaveBeenCalledTimes(1)
    fireEvent.click(screen.getByRole('button', { name: 'Minimize' }))
    expect(onClose).toHaveBeenCalledTimes(2)
  })

  it('asks who the visitor is before the first message, focus already in the message box', async () => {
    const chat = createChat()
    renderWindow(chat)
    // The message box is there in prechat too: the first message starts the chat.
    await waitFor(() => expect(document.activeElement).toBe(messageBox()))
    expect(screen.getByRole('group', { name: /Tell us who you are/ })).toBeTruthy()
  })
})

describe('ChatHeader and EndChatConfirm: ending a chat', () => {
  it('offers End chat only while a conversation is on', async () => {
    const chat = createChat()
    renderWindow(chat)
    expect(screen.queryByRole('button', { name: 'End chat' })).toBeNull()
    chat.model.setDraft('Hi')
    chat.model.send()
    await waitFor(() => expect(chat.fake.transport.subscribe).toHaveBeenCalled())
    chat.fake.emit({ type: 'queued', position: 2 })
    expect(await screen.findByRole('button', { name: 'End chat' })).toBeTruthy()
  })

  it('asks first, with focus on Cancel; cancelling gives the message box its focus back', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    await waitFor(() => expect(document.activeElement).toBe(messageBox()))
    fireEvent.click(screen.getByRole('button', { name: 'End chat' }))
    const question = await screen.findByRole('group', { name: 'End this chat?' })
    // The header's button is gone while the question stands: one way to end, not two.
    expect(screen.queryByRole('button', { name: 'End chat' })).toBeNull()
    const cancel = within(question).getByRole('button', { name: 'Cancel' })
    await waitFor(() => expect(document.activeElement).toBe(cancel))
    fireEvent.click(cancel)
    expect(screen.queryByRole('group', { name: 'End this chat?' })).toBeNull()
    expect(document.activeElement).toBe(messageBox())
    expect(chat.fake.transport.finish).not.toHaveBeenCalled()
  })

  it('cancels the question with Escape, focus back in the message box, the window still open', async () => {
    const chat = await createChatting()
    const { onClose } = renderWindow(chat)
    fireEvent.click(screen.getByRole('button', { name: 'End chat' }))
    const cancel = await screen.findByRole('button', { name: 'Cancel' })
    await waitFor(() => expect(document.activeElement).toBe(cancel))
    fireEvent.keyDown(cancel, { key: 'Escape' })
    expect(screen.queryByRole('group', { name: 'End this chat?' })).toBeNull()
    expect(document.activeElement).toBe(messageBox())
    expect(onClose).not.toHaveBeenCalled()
  })

  it('ends the chat with "Yes, end chat", and keeps focus in the window once the message box is gone', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    fireEvent.click(screen.getByRole('button', { name: 'End chat' }))
    const yes = await screen.findByRole('button', { name: 'Yes, end chat' })
    yes.focus()
    fireEvent.click(yes)
    expect(await screen.findByText('The chat has ended')).toBeTruthy()
    expect(chat.fake.transport.finish).toHaveBeenCalledTimes(1)
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull()
    const dialog = screen.getByRole('dialog')
    await waitFor(() => expect(dialog.contains(document.activeElement)).toBe(true))
  })

  it('says so when the chat could not be ended, and the chat goes on', async () => {
    const chat = await createChatting()
    chat.fake.transport.finish.mockRejectedValueOnce(new Error('network'))
    renderWindow(chat)
    fireEvent.click(screen.getByRole('button', { name: 'End chat' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Yes, end chat' }))
    expect((await screen.findByRole('alert')).textContent).toBe(
      "We couldn't end the chat. Please try again.",
    )
    expect(messageBox()).toBeTruthy()
  })

  it('keeps focus in the window when ending fails: the question (and its focused button) is gone', async () => {
    const chat = await createChatting()
    let fail = () => {}
    chat.fake.transport.finish.mockImplementationOnce(
      () =>
        new Promise((_resolve, reject) => {
          fail = () => reject(new Error('network'))
        }),
    )
    renderWindow(chat)
    fireEvent.click(screen.getByRole('button', { name: 'End chat' }))
    const yes = await screen.findByRole('button', { name: 'Yes, end chat' })
    yes.focus()
    fireEvent.click(yes)
    await waitFor(() => expect(yes.isConnected).toBe(false))
    fail()
    await screen.findByRole('alert')
    await waitFor(() => expect(document.activeElement).toBe(messageBox()))
  })
})

describe('DropHint: dropping a file on the window', () => {
  // happy-dom has no `ondragenter`-style properties, so Preact would listen for `DragEnter` (case
  // kept) instead of `dragenter`; browsers have them all.
  beforeAll(() => {
    for (const type of ['dragenter', 'dragover', 'dragleave', 'drop']) {
      if (!(`on${type}` in HTMLElement.prototype))
        Object.defineProperty(HTMLElement.prototype, `on${type}`, { value: null, writable: true })
    }
  })
  const files = (file?: File) => ({
    dataTransfer: { types: ['Files'], files: file ? [file] : [], dropEffect: 'none' },
  })

  it('says where to drop while a file is dragged over, and attaches the dropped file', async () => {
    const chat = await createChatting()
    await chat.model.attachment.configure()
    renderWindow(chat)
    const dialog = screen.getByRole('dialog')
    fireEvent.dragEnter(dialog, files())
    expect(await screen.findByText('Drop the file here to attach it')).toBeTruthy()
    // Crossing a child fires another enter and a leave: the hint stays.
    fireEvent.dragEnter(messageBox(), files())
    fireEvent.dragLeave(messageBox(), files())
    expect(screen.getByText('Drop the file here to attach it')).toBeTruthy()
    const file = new File(['%PDF'], 'receipt.pdf', { type: 'application/pdf' })
    fireEvent.drop(dialog, files(file))
    await waitFor(() => expect(screen.queryByText('Drop the file here to attach it')).toBeNull())
    expect((await screen.findByRole('group', { name: 'File to send' })).textContent).toContain(
      'receipt.pdf',
    )
  })

  it('ignores dragged text, and files while the proxy takes none', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    const dialog = screen.getByRole('dialog')
    fireEvent.dragEnter(dialog, files())
    fireEvent.dragEnter(dialog, { dataTransfer: { types: ['text/plain'], files: [] } })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(screen.queryByText('Drop the file here to attach it')).toBeNull()
  })
})
