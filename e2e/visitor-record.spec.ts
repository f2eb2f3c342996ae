/**
 * The visitor's own record (issue 17), in Portuguese: the conversation downloaded as a file with
 * every message, times in the visitor's zone and the file as a link; then, after the chat, "Apagar
 * meus dados": the visitor's file is no longer served, the history zChat was given for the next chat
 * holds nothing, and neither the page nor the browser's storage keeps the conversation.
 */
import { readFile } from 'node:fs/promises'
import type { Browser, Locator, Page } from '@playwright/test'
import { samplePng } from '../proxy/testing/harness.ts'
import { expect, interactionWith, recordedInteraction, reply, test } from './fixtures.ts'

/** A visitor's browser in Manaus (UTC-4, an hour behind Brasília), on the demo site in Portuguese. */
async function visitorInManaus(browser: Browser, siteUrl: string) {
  const context = await browser.newContext({ timezoneId: 'America/Manaus', acceptDownloads: true })
  const page = await context.newPage()
  const privacy = encodeURIComponent('https://loja.example/privacidade')
  await page.goto(`${siteUrl}?lang=pt-BR&privacy-url=${privacy}`)
  return { context, page }
}

async function openAndSay(page: Page, text: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Abrir chat' }).click()
  const chat = page.getByRole('dialog', { name: 'Fale conosco' })
  await say(chat, text)
  return chat
}

async function say(chat: Locator, text: string) {
  await chat.getByRole('textbox', { name: 'Mensagem' }).fill(text)
  await chat.getByRole('button', { name: 'Enviar', exact: true }).click()
}

async function sendPicture(page: Page, chat: Locator, caption: string) {
  const chooser = page.waitForEvent('filechooser')
  await chat.getByRole('button', { name: 'Anexar um arquivo' }).click()
  await (await chooser).setFiles({
    name: 'etiqueta.png',
    mimeType: 'image/png',
    buffer: samplePng(),
  })
  // One composer: while the file waits, the message box asks for its caption, and Send sends both.
  await expect(chat.getByRole('group', { name: 'Arquivo a enviar' })).toBeVisible()
  await chat.getByRole('textbox', { name: 'Adicione uma legenda' }).fill(caption)
  await chat.getByRole('button', { name: 'Enviar', exact: true }).click()
  // Sent: its bubble shows the proxy's copy.
  await expect(chat.getByRole('log').getByRole('img', { name: 'etiqueta.png' })).toHaveAttribute(
    'src',
    /\/media\//,
  )
}

/** What the browser saved when the visitor pressed `button`: its name and its text. */
async function download(page: Page, button: Locator) {
  const saving = page.waitForEvent('download')
  await button.click()
  const saved = await saving
  return { name: saved.suggestedFilename(), text: await readFile(await saved.path(), 'utf8') }
}

/** "[dd/mm/aaaa, hh:mm] " as the visitor's clock in Manaus read `at`. */
const manausTime = (at: Date) =>
  new Intl.DateTimeFormat('pt-BR', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'America/Manaus',
  }).format(at)

test('o visitante baixa a conversa: todas as mensagens, em português, no horário dele, o arquivo como link', async ({
  browser,
  agent,
  stack,
}) => {
  const { context, page } = await visitorInManaus(browser, stack.demoUrl)
  const chat = await openAndSay(page, 'Meu pedido 123 não chegou')
  const card = interactionWith(agent, 'Meu pedido 123 não chegou')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Vou verificar a entrega')
  await sendPicture(page, chat, 'A etiqueta da caixa')
  await expect(card.getByRole('img', { name: 'A etiqueta da caixa' })).toBeVisible()
  const sentAt = new Date()
  const picture = (await recordedInteraction(stack, 'Meu pedido 123 não chegou')).messages.find(
    (m) => m.content === 'A etiqueta da caixa',
  )

  // While the chat goes on, from the header, beside End chat.
  const during = await download(page, chat.getByRole('button', { name: 'Baixar a conversa' }))
  expect(during.name).toMatch(/^conversa-\d{4}-\d\d-\d\d\.txt$/)
  expect(during.text).toContain('(horário de America/Manaus)')
  expect(during.text).toContain('Você: Meu pedido 123 não chegou')
  expect(during.text).toMatch(/\] [^\n]+: Vou verificar a entrega\n/)
  // The picture's line, stamped on the visitor's clock (not Brasília's, an hour ahead): the minute
  // it went, read in Manaus (or the one before, had the minute turned meanwhile).
  const pictureLine = `] Você: A etiqueta da caixa\n  Imagem: etiqueta.png <${picture?.url}>`
  const stamps = [sentAt, new Date(sentAt.getTime() - 60_000)].map(
    (at) => `[${manausTime(at)}${pictureLine}`,
  )
  expect(
    stamps.some((line) => during.text.includes(line)),
    during.text,
  ).toBe(true)

  // After the end, from the ended window: the same messages and the end.
  await card.getByRole('button', { name: 'Finish' }).click()
  await expect(chat.getByText('A conversa foi encerrada')).toBeVisible()
  const after = await download(page, chat.getByRole('button', { name: 'Baixar a conversa' }))
  for (const said of [
    'Meu pedido 123 não chegou',
    'Vou verificar a entrega',
    'A etiqueta da caixa',
    'A conversa foi encerrada',
  ])
    expect(after.text).toContain(said)
  await context.close()
})

test('depois de "Apagar meus dados" o arquivo não é mais servido, o histórico dado ao zChat está vazio e o navegador não guarda a conversa', async ({
  browser,
  agent,
  stack,
}) => {
  const { context, page } = await visitorInManaus(browser, stack.demoUrl)
  const chat = await openAndSay(page, 'Preciso trocar o tamanho')
  const first = interactionWith(agent, 'Preciso trocar o tamanho')
  await first.getByRole('button', { name: 'Accept' }).click()
  await reply(first, 'Qual tamanho você quer?')
  await sendPicture(page, chat, 'Foto da nota')
  await first.getByRole('button', { name: 'Finish' }).click()
  await expect(chat.getByText('A conversa foi encerrada')).toBeVisible()
  const picture = (await recordedInteraction(stack, 'Preciso trocar o tamanho')).messages.find(
    (m) => m.content === 'Foto da nota',
  )
  expect((await fetch(picture!.url!)).status).toBe(200)

  // A second chat carries the first: zChat is given a history URL for it.
  await chat.getByRole('button', { name: 'Iniciar uma nova conversa' }).click()
  await say(chat, 'Voltando ao pedido da troca')
  const second = interactionWith(agent, 'Voltando ao pedido da troca')
  await expect(second.getByRole('list', { name: 'Earlier history' })).toContainText(
    'Preciso trocar o tamanho',
  )
  await second.getByRole('button', { name: 'Accept' }).click()
  await reply(second, 'Trocamos pelo M')
  await second.getByRole('button', { name: 'Finish' }).click()
  await expect(chat.getByText('A conversa foi encerrada')).toBeVisible()
  const secondHash = (await recordedInteraction(stack, 'Voltando ao pedido da troca')).hash
  const { externalHistory } = (await (
    await fetch(`${stack.emulator.url}/control/interactions/${encodeURIComponent(secondHash)}`)
  ).json()) as { externalHistory: { url: string } }
  expect(JSON.stringify(await (await fetch(externalHistory.url)).json())).toContain(
    'Preciso trocar o tamanho',
  )

  // Asked first, then done.
  await chat.getByRole('button', { name: 'Apagar meus dados' }).click()
  const question = chat.getByRole('group', {
    name: 'Apagar esta conversa e seus arquivos? Isso não pode ser desfeito.',
  })
  await question.getByRole('button', { name: 'Sim, apagar' }).click()
  await expect(chat.getByText('Seus dados foram apagados')).toBeVisible()
  await expect(chat.getByText(/mantém o próprio registro da conversa/)).toBeVisible()
  await expect(chat.getByRole('link', { name: 'contato de privacidade' })).toHaveAttribute(
    'href',
    'https://loja.example/privacidade',
  )

  // The proxy: the visitor's file is gone, and the history zChat was given holds nothing.
  expect((await fetch(picture!.url!)).status).toBe(404)
  const history = await fetch(externalHistory.url)
  expect(history.status).toBe(200)
  expect(await history.json()).toEqual({ messages: [] })

  // The page: no message in the window.
  const log = chat.getByRole('log')
  for (const said of ['Voltando ao pedido', 'Trocamos pelo M', 'Preciso trocar', 'Foto da nota'])
    await expect(log).not.toContainText(said)
  // The browser: nothing of either conversation in its storage.
  const stored = await page.evaluate(() => {
    const all = (storage: Storage) =>
      Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`)
    return [...all(localStorage), ...all(sessionStorage)]
  })
  expect(stored.filter((entry) => entry.startsWith('zchat:session:'))).toEqual([])
  const firstHash = (await recordedInteraction(stack, 'Preciso trocar o tamanho')).hash
  for (const kept of [firstHash, secondHash, 'Trocamos pelo M', 'Preciso trocar'])
    expect(stored.join('\n')).not.toContain(kept)
  // And a reload brings nothing back: the window (open in this tab, so open again) starts afresh.
  await page.reload()
  const again = page.getByRole('dialog', { name: 'Fale conosco' })
  await expect(again.getByRole('textbox', { name: 'Mensagem' })).toBeEditable()
  await expect(again.getByRole('log')).not.toContainText('Trocamos pelo M')
  await context.close()
})
