// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { limits } from '../../protocol/wire.ts'
import { createChatting, renderWindow } from '../testing/chat.tsx'

const messageBox = () => screen.getByRole('textbox', { name: 'Message' })
const write = (text: string) => fireEvent.input(messageBox(), { target: { value: text } })
const log = () => screen.getByRole('log', { name: 'Messages' })

async function chatWithUploads() {
  const chat = await createChatting()
  await chat.model.attachment.configure()
  renderWindow(chat)
  return chat
}

describe('Composer: writing and sending', () => {
  it('sends with Enter and empties the box; the message shows as Sending…, then Sent', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    write('Where is my order?')
    const notCancelled = fireEvent.keyDown(messageBox(), { key: 'Enter' })
    expect(notCancelled).toBe(false)
    expect(chat.fake.transport.send).toHaveBeenLastCalledWith(expect.anything(), {
      clientId: 'client-2',
      text: 'Where is my order?',
    })
    expect(messageBox()).toHaveProperty('value', '')
    expect(log().textContent).toContain('Where is my order?')
    expect(log().textContent).toContain('Sending…')
    await waitFor(() => expect(log().textContent).not.toContain('Sending…'))
    expect(log().textContent).toContain('Sent')
  })

  it('adds a line with Shift+Enter instead of sending', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    write('First line')
    // Not cancelled: the browser inserts the new line.
    expect(fireEvent.keyDown(messageBox(), { key: 'Enter', shiftKey: true })).toBe(true)
    expect(chat.fake.transport.send).toHaveBeenCalledTimes(1)
    expect(messageBox()).toHaveProperty('value', 'First line')
  })

  it('leaves Enter to an input method while it is composing (Japanese, Chinese, Korean)', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    write('にほん')
    expect(fireEvent.keyDown(messageBox(), { key: 'Enter', isComposing: true })).toBe(true)
    expect(chat.fake.transport.send).toHaveBeenCalledTimes(1)
    expect(messageBox()).toHaveProperty('value', 'にほん')
    // Safari's Enter that ends the composition: isComposing already false, keyCode 229.
    expect(fireEvent.keyDown(messageBox(), { key: 'Enter', keyCode: 229 })).toBe(true)
    expect(chat.fake.transport.send).toHaveBeenCalledTimes(1)
    fireEvent.keyDown(messageBox(), { key: 'Enter' })
    expect(chat.fake.transport.send).toHaveBeenCalledTimes(2)
  })

  it('sends with the Send button, and sends nothing blank', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    write('   ')
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    expect(chat.fake.transport.send).toHaveBeenCalledTimes(1)
    write('By the button')
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    expect(chat.fake.transport.send).toHaveBeenCalledTimes(2)
  })
})

describe('Composer: the character counter', () => {
  it('appears near the limit, tied to the box, and says how far over a long message is', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    write('x'.repeat(100))
    expect(screen.queryByText(/characters? left/)).toBeNull()
    expect(messageBox().getAttribute('aria-describedby')).toBeNull()

    write('x'.repeat(limits.textLength - 150))
    const counter = screen.getByText('150 characters left')
    expect(messageBox().getAttribute('aria-describedby')).toBe(counter.id)
    expect(counter.getAttribute('aria-live')).toBe('polite')
    expect(messageBox().getAttribute('aria-invalid')).toBe('false')

    write('x'.repeat(limits.textLength - 1))
    expect(screen.getByText('1 character left')).toBeTruthy()

    write('x'.repeat(limits.textLength + 2))
    expect(screen.getByText('2 characters over the limit')).toBeTruthy()
    expect(messageBox().getAttribute('aria-invalid')).toBe('true')
    fireEvent.keyDown(messageBox(), { key: 'Enter' })
    expect(chat.fake.transport.send).toHaveBeenCalledTimes(1)
    expect(screen.getByRole('alert').textContent).toBe(
      'Your message is too long: 4,000 characters at most.',
    )
  })
})

describe('Composer: files', () => {
  it('has no Attach button while the proxy takes no uploads', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    expect(screen.queryByRole('button', { name: 'Attach a file' })).toBeNull()
  })

  it('previews a picked file above the message box, which becomes its caption; Enter sends both as one message', async () => {
    const chat = await chatWithUploads()
    const button = screen.getByRole('button', { name: 'Attach a file' })
    const picker = button.parentElement?.querySelector<HTMLInputElement>('input[type=file]')
    expect(picker?.hidden).toBe(true)
    const file = new File(['%PDF-1.7'], 'invoice.pdf', { type: 'application/pdf' })
    Object.defineProperty(picker, 'files', { value: [file], configurable: true })
    // What a browser reports for a picked file.
    Object.defineProperty(picker, 'value', {
      value: 'C:\\fakepath\\invoice.pdf',
      writable: true,
      configurable: true,
    })
    button.focus()
    fireEvent.change(picker as HTMLInputElement)

    // Emptied, so picking the same file again is a change too.
    expect(picker?.value).toBe('')
    const preview = await screen.findByRole('group', { name: 'File to send' })
    expect(preview.textContent).toContain('invoice.pdf')
    expect(preview.textContent).toContain('8 bytes')
    expect(within(preview).getByRole('button', { name: 'Remove' })).toBeTruthy()
    // One box and one Send: the preview has neither.
    expect(within(preview).queryByRole('textbox')).toBeNull()
    expect(screen.getAllByRole('textbox')).toHaveLength(1)
    expect(screen.getAllByRole('button', { name: /^Send/ })).toHaveLength(1)
    // Said to a screen reader; the visitor is taken to the box, which asks for a caption.
    expect(screen.getByText('Attached: invoice.pdf').getAttribute('role')).toBe('status')
    const caption = screen.getByRole('textbox', { name: 'Add a caption' })
    await waitFor(() => expect(document.activeElement).toBe(caption))
    expect(caption.getAttribute('placeholder')).toBe('Add a caption…')

    fireEvent.input(caption, { target: { value: 'Last month' } })
    expect(fireEvent.keyDown(caption, { key: 'Enter' })).toBe(false)
    expect(screen.queryByRole('group', { name: 'File to send' })).toBeNull()
    expect(document.activeElement).toBe(messageBox())
    expect(messageBox()).toHaveProperty('value', '')
    expect(log().textContent).toContain('Last month')
    await waitFor(() => expect(chat.fake.transport.upload).toHaveBeenCalledTimes(1))
    await waitFor(() => expect(chat.fake.transport.send).toHaveBeenCalledTimes(2))
    expect(chat.fake.transport.send).toHaveBeenLastCalledWith(expect.anything(), {
      clientId: 'client-2',
      text: 'Last month',
      upload: expect.any(String),
    })
  })

  it('sends a file with no caption by the Send button', async () => {
    const chat = await chatWithUploads()
    chat.model.attachment.stage(new File(['x'], 'notes.pdf', { type: 'application/pdf' }))
    await screen.findByRole('group', { name: 'File to send' })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    expect(screen.queryByRole('group', { name: 'File to send' })).toBeNull()
    await waitFor(() => expect(chat.fake.transport.send).toHaveBeenCalledTimes(2))
    expect(chat.fake.transport.send.mock.lastCall?.[1]).toMatchObject({ text: '' })
  })

  it('removes the file with Escape or Remove, keeping the words and the focus in the box; the window stays open', async () => {
    const chat = await chatWithUploads()
    const view = screen.getByRole('dialog')
    chat.model.attachment.stage(new File(['x'], 'notes.pdf', { type: 'application/pdf' }))
    const caption = await screen.findByRole('textbox', { name: 'Add a caption' })
    await waitFor(() => expect(document.activeElement).toBe(caption))
    fireEvent.input(caption, { target: { value: 'My notes' } })
    fireEvent.keyDown(caption, { key: 'Escape' })
    expect(screen.queryByRole('group', { name: 'File to send' })).toBeNull()
    expect(document.activeElement).toBe(messageBox())
    expect(messageBox()).toHaveProperty('value', 'My notes')
    expect(view.isConnected).toBe(true)

    chat.model.attachment.stage(new File(['x'], 'notes.pdf', { type: 'application/pdf' }))
    const remove = await screen.findByRole('button', { name: 'Remove' })
    remove.focus()
    fireEvent.keyDown(remove, { key: 'Escape' })
    expect(screen.queryByRole('group', { name: 'File to send' })).toBeNull()
    expect(document.activeElement).toBe(messageBox())

    chat.model.attachment.stage(new File(['x'], 'notes.pdf', { type: 'application/pdf' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Remove' }))
    expect(screen.queryByRole('group', { name: 'File to send' })).toBeNull()
    expect(document.activeElement).toBe(messageBox())
    expect(chat.fake.transport.upload).not.toHaveBeenCalled()
  })

  it('pastes a picture as a file, but pasted text with a picture of itself stays text', async () => {
    const chat = await chatWithUploads()
    const image = new File(['png'], 'shot.png', { type: 'image/png' })
    const paste = (types: string[]) =>
      fireEvent.paste(messageBox(), { clipboardData: { files: [image], types } })
    expect(paste(['text/plain', 'Files'])).toBe(true)
    expect(screen.queryByRole('group', { name: 'File to send' })).toBeNull()
    expect(paste(['Files'])).toBe(false)
    expect(await screen.findByRole('group', { name: 'File to send' })).toBeTruthy()
    expect(screen.getByRole('img', { name: 'shot.png' })).toBeTruthy()
    expect(chat.model.attachment.staged.value?.file).toBe(image)
  })

  it('says why a file is refused, with sizes for people', async () => {
    const chat = await chatWithUploads()
    chat.model.attachment.stage(new File(['x'], 'song.exe', { type: 'application/x-msdownload' }))
    expect((await screen.findByRole('alert')).textContent).toBe(
      "This type of file can't be sent here.",
    )
    const big = new File(['x'], 'scan.pdf', { type: 'application/pdf' })
    Object.defineProperty(big, 'size', { value: 12.5 * 1024 * 1024 })
    chat.model.attachment.stage(big)
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'This file is too big (13 MB). The limit is 10 MB.',
      ),
    )
  })
})
