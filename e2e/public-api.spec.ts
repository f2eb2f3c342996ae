import type { Locator } from '@playwright/test'
import { expect, interactionWith, reply, shopUrl, test } from './fixtures.ts'

/** The page's own script calling the widget. */
const zchat = (args: unknown[]) =>
  (window as unknown as { zchat: (...args: unknown[]) => void }).zchat(...args)

async function enviar(chat: Locator, text: string) {
  await chat.getByRole('textbox', { name: 'Mensagem' }).fill(text)
  await chat.getByRole('button', { name: 'Enviar' }).click()
}

test('a site configures the widget from script in Portuguese, takes it off the page, and puts it back', async ({
  browser,
  stack,
  agent,
}) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  // The page's timers run when the story says, so "no request after destroy" needs no waiting.
  await page.clock.install()
  const warnings: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text())
  })
  const options = { lang: 'pt-BR', department: 1 }
  // A typo among them: named in the one warning, and the rest still applies.
  const init = encodeURIComponent(JSON.stringify({ ...options, colour: 'red' }))
  await page.goto(shopUrl(stack, `?init=${init}`))
  // No data-* on the tag: the page's zchat('init', ...) is all the configuration.
  await expect(page.locator('script[src$="/widget.js"]')).not.toHaveAttribute('data-department')

  await page.getByRole('button', { name: 'Abrir chat' }).click()
  expect(warnings).toEqual(['[zchat] ignoring unknown option colour; using defaults'])
  const chat = page.getByRole('dialog', { name: 'Fale conosco' })
  const stream = page.waitForRequest((request) => /\/events$/.test(request.url()))
  await enviar(chat, 'Olá antes do destroy')
  await expect(chat.getByText('Você é o número 1 na fila')).toBeVisible()
  await stream

  // What the page is without the widget, taken while it runs.
  const pageAlone = await page.evaluate(() => {
    const copy = document.documentElement.cloneNode(true) as HTMLElement
    copy.querySelector('[data-zchat]')?.remove()
    return copy.outerHTML
  })
  const proxyOrigin = new URL(stack.proxyUrl).origin
  const toProxy: string[] = []
  const streamClosed = page.waitForEvent('requestfailed', (r) => /\/events$/.test(r.url()))
  page.on('request', (request) => {
    if (new URL(request.url()).origin === proxyOrigin) toProxy.push(request.url())
  })

  await page.evaluate(zchat, ['destroy'])
  // The stream is aborted, and every node the widget added is gone.
  await streamClosed
  expect(await page.evaluate(() => document.documentElement.outerHTML)).toBe(pageAlone)
  await expect(page.getByRole('button', { name: 'Abrir chat' })).toHaveCount(0)
  // Two minutes of the page's timers: past any reconnect (30 s at most) and the idle watchdog (45 s).
  await page.clock.runFor(120_000)
  const card = interactionWith(agent, 'Olá antes do destroy')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Resposta enquanto o widget está fora')
  // A request the page makes after all that: any request the timers made is reported before it.
  await page.evaluate(() => fetch('/favicon.ico'))
  expect(toProxy).toEqual([])

  // Init again: the launcher is back in Portuguese, and the conversation goes on where it was.
  await page.evaluate(zchat, ['init', options])
  await expect(chat.getByRole('log')).toContainText('Resposta enquanto o widget está fora')
  await enviar(chat, 'Voltei')
  await expect(card).toContainText('Voltei')
  await reply(card, 'Bem-vindo de volta')
  await expect(chat.getByRole('log')).toContainText('Bem-vindo de volta')
  // Commands reach the built widget by their names.
  await page.evaluate(zchat, ['toggle'])
  await expect(chat).toBeHidden()
  await page.evaluate(zchat, ['toggle'])
  await expect(chat).toBeVisible()
  await context.close()
})

test('destroy aborts a message on its way to the proxy', async ({ openSite }) => {
  const page = await openSite()
  await page.getByRole('button', { name: 'Open chat' }).click()
  const chat = page.getByRole('dialog', { name: 'Chat with us' })
  await chat.getByRole('textbox', { name: 'Message' }).fill('Sent as the page goes')
  await chat.getByRole('button', { name: 'Send' }).click()
  await expect(chat.getByText('You are number 1 in the queue')).toBeVisible()
  // The next message is held on its way, so destroy finds it in flight.
  const held = page.waitForRequest((request) => /\/messages$/.test(request.url()))
  await page.route(/\/messages$/, () => {})
  await chat.getByRole('textbox', { name: 'Message' }).fill('Still on its way')
  await chat.getByRole('button', { name: 'Send' }).click()
  const request = await held
  // Well before the call's own 10 s timeout would end it.
  const aborted = page.waitForEvent('requestfailed', {
    predicate: (failed) => failed === request,
    timeout: 5_000,
  })
  await page.evaluate(zchat, ['destroy'])
  expect((await aborted).failure()?.errorText).toMatch(/ABORTED/i)
})
