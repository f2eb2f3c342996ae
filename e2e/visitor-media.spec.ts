import type { Locator, Page } from '@playwright/test'
import { samplePdf, samplePng } from '../proxy/testing/harness.ts'
import { expect, interactionWith, recordedInteraction, startChat, test } from './fixtures.ts'

/** What zChat received as the visitor's file message with this content, and what its URL serves. */
async function fileReachedZChat(
  stack: { emulator: { url: string } },
  firstText: string,
  content: string,
) {
  const recorded = await recordedInteraction(stack, firstText)
  let message = recorded.messages.find((m) => m.content === content)
  await expect
    .poll(async () => {
      message = (await recordedInteraction(stack, firstText)).messages.find(
        (m) => m.content === content,
      )
      return message?.url ?? null
    })
    .not.toBeNull()
  const served = await fetch(message!.url!)
  return {
    type: message!.type,
    status: served.status,
    contentType: served.headers.get('content-type'),
    nosniff: served.headers.get('x-content-type-options'),
    bytes: Buffer.from(await served.arrayBuffer()),
  }
}

async function attachByPicker(
  visitor: Page,
  chat: Locator,
  file: { name: string; mimeType: string; buffer: Buffer },
) {
  const chooser = visitor.waitForEvent('filechooser')
  await chat.getByRole('button', { name: 'Attach a file' }).click()
  await (await chooser).setFiles(file)
}

test('a visitor sends a picture with the picker, and zChat gets it as an image with a URL that serves it', async ({
  visitor,
  agent,
  stack,
}) => {
  const chat = await startChat(visitor, 'I have a photo of the damage')
  await attachByPicker(visitor, chat, {
    name: 'tent.png',
    mimeType: 'image/png',
    buffer: samplePng(),
  })
  const preview = chat.getByRole('form', { name: 'File to send' })
  await expect(preview.getByRole('img', { name: 'tent.png' })).toBeVisible()
  await preview.getByRole('textbox', { name: 'Caption (optional)' }).fill('The torn corner')
  await preview.getByRole('button', { name: 'Send file', exact: true }).click()
  const sent = chat.getByRole('log').getByRole('img', { name: 'tent.png' })
  await expect(sent).toBeVisible()
  // The picture itself, never a broken image: the browser's copy until the message is sent (the
  // proxy serves a file only once a message carried it), then the proxy's.
  await expect(sent).toHaveAttribute('src', /\/media\//)
  await expect.poll(() => sent.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1)

  const file = await fileReachedZChat(stack, 'I have a photo of the damage', 'The torn corner')
  expect(file).toMatchObject({
    type: 'image',
    status: 200,
    contentType: 'image/png',
    nosniff: 'nosniff',
  })
  expect(file.bytes.equals(samplePng())).toBe(true)
  // The agent sees the picture in the console.
  const card = interactionWith(agent, 'I have a photo of the damage')
  await expect(card.getByRole('img', { name: 'The torn corner' })).toBeVisible()
})

test('a visitor drops a PDF onto the chat, and zChat gets it as a file named for it', async ({
  visitor,
  stack,
}) => {
  const chat = await startChat(visitor, 'Here is my invoice')
  const pdf = [...samplePdf()]
  const dropped = await visitor.evaluateHandle((bytes) => {
    const data = new DataTransfer()
    data.items.add(new File([new Uint8Array(bytes)], 'invoice.pdf', { type: 'application/pdf' }))
    return data
  }, pdf)
  await chat.dispatchEvent('dragenter', { dataTransfer: dropped })
  await expect(chat.getByText('Drop the file here to attach it')).toBeVisible()
  await chat.dispatchEvent('drop', { dataTransfer: dropped })
  await chat.getByRole('button', { name: 'Send file', exact: true }).click()
  await expect(chat.getByRole('link', { name: /Open file: invoice\.pdf/ })).toBeVisible()

  const file = await fileReachedZChat(stack, 'Here is my invoice', 'invoice.pdf')
  expect(file).toMatchObject({ type: 'file', status: 200, contentType: 'application/pdf' })
  expect(file.bytes.equals(samplePdf())).toBe(true)
})

test('a visitor pastes a screenshot into the message box, and it goes as an image', async ({
  visitor,
  stack,
}) => {
  const chat = await startChat(visitor, 'Look at this error')
  const png = [...samplePng()]
  await chat.getByRole('textbox', { name: 'Message' }).evaluate((box, bytes) => {
    const data = new DataTransfer()
    data.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }))
    box.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    )
  }, png)
  const preview = chat.getByRole('form', { name: 'File to send' })
  await preview.getByRole('textbox', { name: 'Caption (optional)' }).fill('The error page')
  await preview.getByRole('button', { name: 'Send file', exact: true }).click()
  const file = await fileReachedZChat(stack, 'Look at this error', 'The error page')
  expect(file).toMatchObject({ type: 'image', contentType: 'image/png' })
  expect(file.bytes.equals(samplePng())).toBe(true)
})

test('an HTML page named .png is refused, and nothing reaches zChat', async ({
  visitor,
  stack,
}) => {
  const chat = await startChat(visitor, 'Sending a picture')
  const disguised = Buffer.from('<!doctype html><script>alert(document.cookie)</script>')
  await attachByPicker(visitor, chat, {
    name: 'photo.png',
    mimeType: 'image/png',
    buffer: disguised,
  })
  await chat.getByRole('button', { name: 'Send file', exact: true }).click()
  await expect(chat.getByText(/can't be sent here|not allowed|Not sent/i).first()).toBeVisible()
  const recorded = await recordedInteraction(stack, 'Sending a picture')
  expect(recorded.messages.filter((m) => m.type !== 'text')).toEqual([])
})
