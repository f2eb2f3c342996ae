/**
 * Fast on a phone network (issue 19): on a throttled connection, opening the chat is one round
 * trip. Counted, not timed: the first open's requests form one wave, where no request starts only
 * after another one of them has arrived (e2e/network.ts, `waves`).
 */
import type { Browser, Page, Route } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import {
  type NetworkProfile,
  phone,
  recordRequests,
  slow3g,
  throttle,
  waterfall,
  waves,
} from './network.ts'

/** A Brazilian page (its own `<html lang>`), whose snippet asks for the pre-chat form, on `profile`. */
async function openBrazilianPage(
  browser: Browser,
  demoUrl: string,
  proxyUrl: string,
  profile: NetworkProfile,
) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await throttle(context, page, profile)
  const requests = recordRequests(page, new URL(proxyUrl).origin)
  await page.goto(`${demoUrl}?page-lang=pt-BR`)
  const launcher = page.getByRole('button', { name: 'Abrir chat' })
  await expect(launcher).toBeVisible()
  return { context, page, requests, launcher }
}

/** The composer a visitor can use: "Mensagem" enabled, and "Anexar um arquivo" once the proxy's config says uploads are on. */
async function composerReady(page: Page) {
  const chat = page.getByRole('dialog', { name: 'Fale conosco' })
  await expect(chat.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled()
  await expect(chat.getByRole('button', { name: 'Anexar um arquivo' })).toBeVisible()
  return chat
}

const file = (url: string) => new URL(url).pathname.split('/').pop() ?? url
/** What a new conversation's first open on a pt-BR page needs: the chat, its language, the pre-chat form and the config. */
const firstOpenNeeds = [/^chat-.*\.js$/, /^pt-br-.*\.js$/, /^prechat-part-.*\.js$/, /^config$/]

test('on a phone network, the chat opens in one round trip, and nothing is fetched before the visitor acts', async ({
  browser,
  stack,
}) => {
  const { context, page, requests, launcher } = await openBrazilianPage(
    browser,
    stack.demoUrl,
    stack.proxyUrl,
    phone,
  )
  // Before intent: the loader, and nothing else from the proxy.
  expect(requests.all.map((r) => file(r.url))).toEqual(['widget.js'])

  const clicked = Date.now()
  await launcher.click()
  await composerReady(page)
  const firstOpen = requests.since(clicked)
  await expect.poll(() => firstOpen.every((r) => r.end !== null)).toBe(true)
  const files = firstOpen.map((r) => file(r.url))
  for (const needed of firstOpenNeeds)
    expect(files, `${needed} fetched`).toContainEqual(expect.stringMatching(needed))

  const rounds = waves(firstOpen)
  expect(
    rounds.length,
    `the first open's requests, in ms after the click:\n${waterfall(firstOpen, clicked)}`,
  ).toBe(1)
  await context.close()
})

test('a visitor who rests the pointer on the launcher finds the chat ready at the click, with nothing left to fetch', async ({
  browser,
  stack,
}) => {
  const { context, page, requests, launcher } = await openBrazilianPage(
    browser,
    stack.demoUrl,
    stack.proxyUrl,
    phone,
  )
  const hovered = Date.now()
  await launcher.hover()
  // Intent alone fetches everything the first screen needs, the config included.
  await expect
    .poll(
      () => {
        const arrived = requests.since(hovered).filter((r) => r.end !== null)
        return firstOpenNeeds.every((needed) => arrived.some((r) => needed.test(file(r.url))))
      },
      { message: `fetched on hover:\n${waterfall(requests.since(hovered), hovered)}` },
    )
    .toBe(true)

  const clicked = Date.now()
  await launcher.click()
  await composerReady(page)
  expect(requests.since(clicked).map((r) => file(r.url))).toEqual([])
  await context.close()
})

test('on Slow 3G, what the visitor types before the chat is ready is in the message box', async ({
  browser,
  stack,
}) => {
  const { context, page, launcher } = await openBrazilianPage(
    browser,
    stack.demoUrl,
    stack.proxyUrl,
    slow3g,
  )
  // The chat arrives only once the visitor has typed, however fast or slow this machine types.
  const held: Route[] = []
  await page.route('**/widget/chat-*.js', (route) => void held.push(route))
  await launcher.click()
  // A space and a comma in it: Space on the launcher would close the window again.
  await page.keyboard.type('Ola, tudo bem?')
  await expect.poll(() => held.length).toBe(1)
  const chat = page.getByRole('dialog', { name: 'Fale conosco' })
  expect(await chat.getByRole('textbox', { name: 'Mensagem' }).count()).toBe(0)
  await held[0]?.continue()
  await expect(chat.getByRole('textbox', { name: 'Mensagem' })).toHaveValue('Ola, tudo bem?')
  await expect(chat.getByRole('textbox', { name: 'Mensagem' })).toBeFocused()
  await context.close()
})
