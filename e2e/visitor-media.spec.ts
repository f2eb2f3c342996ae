import type { Locator, Page } from '@playwright/test'
import { samplePdf, samplePng } from '../proxy/testing/harness.ts'
import {
  type EmulatedInteraction,
  expect,
  interactionWith,
  recordedInteraction,
  startChat,
  test,
} from './fixtures.ts'

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
  const preview = chat.getByRole('group', { name: 'File to send' })
  await expect(preview.getByRole('img', { name: 'tent.png' })).toBeVisible()
  await chat.getByRole('textbox', { name: 'Add a caption' }).fill('The torn corner')
  await chat.getByRole('button', { name: 'Send', exact: true }).click()
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

test('on a Brazilian shop a visitor sends a picture with its caption from the one message box, and zChat gets one image message', async ({
  openSite,
  stack,
}) => {
  const visitor = await openSite('?page-lang=pt-BR')
  await visitor.getByRole('button', { name: 'Abrir chat' }).click()
  const chat = visitor.getByRole('dialog', { name: 'Fale conosco' })
  await chat.getByRole('textbox', { name: 'Mensagem' }).fill('Minha barraca chegou rasgada')
  await chat.getByRole('button', { name: 'Enviar', exact: true }).click()
  await expect(chat.getByText('Você é o número 1 na fila')).toBeVisible()

  const chooser = visitor.waitForEvent('filechooser')
  await chat.getByRole('button', { name: 'Anexar um arquivo' }).click()
  await (await chooser).setFiles({
    name: 'barraca.png',
    mimeType: 'image/png',
    buffer: samplePng(),
  })
  const preview = chat.getByRole('group', { name: 'Arquivo a enviar' })
  await expect(preview.getByRole('img', { name: 'barraca.png' })).toBeVisible()
  await expect(preview.getByRole('button', { name: 'Remover' })).toBeVisible()
  // One box and one Send, as in WhatsApp: the box asks for the picture's caption, and has the focus.
  const caption = chat.getByRole('textbox', { name: 'Adicione uma legenda' })
  await expect(caption).toBeFocused()
  await expect(caption).toHaveAttribute('placeholder', 'Adicione uma legenda…')
  await expect(chat.getByRole('textbox')).toHaveCount(1)
  await expect(chat.getByRole('button', { name: /^Enviar/ })).toHaveCount(1)
  await visitor.keyboard.type('O canto rasgado')
  await visitor.keyboard.press('Enter')

  await expect(preview).toBeHidden()
  const box = chat.getByRole('textbox', { name: 'Mensagem' })
  await expect(box).toBeFocused()
  await expect(box).toHaveValue('')
  const log = chat.getByRole('log', { name: 'Mensagens' })
  await expect(log.getByRole('img', { name: 'barraca.png' })).toBeVisible()
  await expect(log).toContainText('O canto rasgado')

  // zChat has one message for the picture and its caption, not a text and a file left behind.
  const { hash } = await recordedInteraction(stack, 'Minha barraca chegou rasgada')
  const messages = async () => {
    const answer = await fetch(`${stack.emulator.url}/control/interactions/${hash}`)
    return ((await answer.json()) as EmulatedInteraction).messages.filter(
      (m) => m.direction === 'CLIENT',
    )
  }
  await expect.poll(async () => (await messages()).length).toBe(2)
  const [, picture] = await messages()
  expect(picture).toMatchObject({ type: 'image', content: 'O canto rasgado' })
  expect(picture?.url).toMatch(/^http/)
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
  await expect(chat.getByRole('group', { name: 'File to send' })).toContainText('invoice.pdf')
  await chat.getByRole('button', { name: 'Send', exact: true }).click()
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
  await expect(chat.getByRole('group', { name: 'File to send' })).toBeVisible()
  await chat.getByRole('textbox', { name: 'Add a caption' }).fill('The error page')
  await chat.getByRole('textbox', { name: 'Add a caption' }).press('Enter')
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
  await expect(chat.getByRole('group', { name: 'File to send' })).toBeVisible()
  await chat.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(chat.getByText(/can't be sent here|not allowed|Not sent/i).first()).toBeVisible()
  const recorded = await recordedInteraction(stack, 'Sending a picture')
  expect(recorded.messages.filter((m) => m.type !== 'text')).toEqual([])
})
