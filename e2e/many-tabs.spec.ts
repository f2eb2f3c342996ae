import type { BrowserContext, Page } from '@playwright/test'
import { expect, interactionWith, reply, send, shopUrl, startChat, test } from './fixtures.ts'

/**
 * Headless Chromium shows every tab at once: the stories hide a tab the way a browser does when the
 * visitor switches to another (document.hidden, then `visibilitychange`).
 */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden })
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (hidden ? 'hidden' : 'visible'),
    })
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

/** Counts the chimes a page plays (data-sound="true" plays one through an AudioContext). */
async function countChimes(context: BrowserContext) {
  await context.addInitScript(() => {
    const counted = window as unknown as { chimes: number }
    counted.chimes = 0
    window.AudioContext = class extends AudioContext {
      constructor(options?: AudioContextOptions) {
        super(options)
        counted.chimes++
      }
    }
  })
}
const chimes = (page: Page) => page.evaluate(() => (window as unknown as { chimes: number }).chimes)

test('two tabs on the pre-chat form share one conversation, one event stream and one chime; the other tab takes over when the leader closes', async ({
  browser,
  stack,
  agent,
}) => {
  const context = await browser.newContext()
  await countChimes(context)
  const streams: Array<{ page: Page; lastEventId: string | undefined }> = []
  context.on('request', (request) => {
    if (request.url().endsWith('/events'))
      streams.push({
        page: request.frame().page(),
        lastEventId: request.headers()['last-event-id'],
      })
  })
  const openTab = async () => {
    const page = await context.newPage()
    await page.goto(shopUrl(stack, '?prechat=name&sound=true'))
    await page.getByRole('button', { name: 'Open chat' }).click()
    const chat = page.getByRole('dialog', { name: 'Chat with us' })
    await expect(chat.getByRole('textbox', { name: 'Name' })).toBeVisible()
    return { page, chat }
  }
  const one = await openTab()
  const two = await openTab()

  await one.chat.getByRole('textbox', { name: 'Name' }).fill('Ana')
  await send(one.chat, 'Hello from tab one')
  // Tab two leaves its form for the conversation tab one started.
  await expect(two.chat.getByRole('log')).toContainText('Hello from tab one')
  await expect(two.chat.getByRole('textbox', { name: 'Name' })).toHaveCount(0)

  const card = interactionWith(agent, 'Hello from tab one')
  await card.getByRole('button', { name: 'Accept' }).click()
  await send(two.chat, 'And from tab two')
  await expect(one.chat.getByRole('log')).toContainText('And from tab two')
  await expect(card.getByRole('list', { name: 'Messages' })).toContainText('And from tab two')

  // The visitor looks at tab one, then at tab two, then goes to another site: both tabs hidden,
  // tab two looked at last. (Both pages are drawn at once here, so which one mounted its chat last
  // says nothing: the story switches between them as a visitor's one window would.)
  await setHidden(two.page, true)
  await setHidden(one.page, false)
  await setHidden(one.page, true)
  await setHidden(two.page, false)
  await setHidden(two.page, true)
  await reply(card, 'Are you still there?')
  for (const { chat, page } of [one, two]) {
    await expect(chat.getByRole('log')).toContainText('Are you still there?')
    await expect(page).toHaveTitle('(1) Casa da Trilha')
  }
  expect((await chimes(one.page)) + (await chimes(two.page))).toBe(1)
  expect(await chimes(two.page)).toBe(1)
  await setHidden(one.page, false)
  await expect(one.page).toHaveTitle('Casa da Trilha')
  await expect(two.page).toHaveTitle('(1) Casa da Trilha')

  // zChat holds one interaction; the browser held one stream. Either tab may have opened it: tab two
  // hears of the conversation as tab one saves it, and asks for the stream's lock as tab one does.
  const interactions = (await (
    await fetch(`${stack.emulator.url}/control/interactions`)
  ).json()) as unknown[]
  expect(interactions).toHaveLength(1)
  expect(streams).toHaveLength(1)
  const [leader, other] = streams[0]?.page === one.page ? [one, two] : [two, one]

  await leader.page.close()
  await reply(card, 'Do you read me?')
  const log = other.chat.getByRole('log')
  await expect(log).toContainText('Do you read me?')
  expect(streams).toHaveLength(2)
  expect(streams[1]?.page).toBe(other.page)
  expect(Number(streams[1]?.lastEventId)).toBeGreaterThan(0)
  for (const text of ['Hello from tab one', 'And from tab two', 'Are you still there?'])
    await expect(log.getByText(text, { exact: true })).toHaveCount(1)
  await context.close()
})

test('two tabs whose visitor writes at the same moment start one conversation; what is read in one tab is read in both', async ({
  browser,
  stack,
  agent,
}) => {
  const context = await browser.newContext()
  const tabs = [await context.newPage(), await context.newPage()]
  const chats = []
  for (const page of tabs) {
    await page.goto(shopUrl(stack, '?prechat='))
    await page.getByRole('button', { name: 'Open chat' }).click()
    const chat = page.getByRole('dialog', { name: 'Chat with us' })
    chats.push(chat)
  }
  const [one, two] = chats as [(typeof chats)[0], (typeof chats)[0]]
  await one.getByRole('textbox', { name: 'Message' }).fill('Written in tab one')
  await two.getByRole('textbox', { name: 'Message' }).fill('Written in tab two')
  await Promise.all([
    one.getByRole('button', { name: 'Send' }).click(),
    two.getByRole('button', { name: 'Send' }).click(),
  ])
  for (const chat of chats) {
    await expect(chat.getByRole('log')).toContainText('Written in tab one')
    await expect(chat.getByRole('log')).toContainText('Written in tab two')
  }
  const interactions = (await (
    await fetch(`${stack.emulator.url}/control/interactions`)
  ).json()) as Array<{ messages: Array<{ content: string }> }>
  expect(interactions).toHaveLength(1)
  expect(interactions[0]?.messages.map((m) => m.content).sort()).toEqual([
    'Written in tab one',
    'Written in tab two',
  ])

  const card = interactionWith(agent, 'Written in tab one')
  await card.getByRole('button', { name: 'Accept' }).click()
  for (const chat of chats) await chat.getByRole('button', { name: 'Minimize' }).click()
  await reply(card, 'Anyone there?')
  for (const page of tabs)
    await expect(page.getByRole('button', { name: 'Open chat' })).toHaveAccessibleDescription(
      'Unread messages: 1',
    )
  await tabs[0]!.getByRole('button', { name: 'Open chat' }).click()
  await expect(one.getByRole('log')).toContainText('Anyone there?')
  await expect(tabs[1]!.getByRole('button', { name: 'Open chat' })).toHaveAccessibleDescription('')
  await context.close()
})

test('a tab that only shows the launcher takes up the conversation another tab starts: its badge and its title count the agent’s reply', async ({
  browser,
  stack,
  agent,
}) => {
  const context = await browser.newContext()
  const [writing, idle] = [await context.newPage(), await context.newPage()]
  for (const page of [writing, idle]) await page.goto(shopUrl(stack, '?prechat='))
  // The idle tab's chat was never opened nor fetched: the page shows the launcher alone.
  const chatRequests: string[] = []
  idle.on('request', (request) => {
    if (request.url().includes('/widget/chat')) chatRequests.push(request.url())
  })
  const idleTitle = await idle.title()
  await setHidden(idle, true)

  const chat = await startChat(writing, 'Started in the other tab')
  await expect(chat.getByRole('log')).toContainText('Started in the other tab')
  const card = interactionWith(agent, 'Started in the other tab')
  await card.getByRole('button', { name: 'Accept' }).click()
  await writing.getByRole('button', { name: 'Minimize' }).click()
  await reply(card, 'Hello from the agent')

  const launcher = idle.getByRole('button', { name: 'Open chat' })
  await expect(launcher).toHaveAccessibleDescription('Unread messages: 1')
  await expect(idle).toHaveTitle(`(1) ${idleTitle}`)
  expect(chatRequests.length).toBeGreaterThan(0)
  await setHidden(idle, false)
  await launcher.click()
  await expect(idle.getByRole('dialog', { name: 'Chat with us' }).getByRole('log')).toContainText(
    'Hello from the agent',
  )
  await expect(idle).toHaveTitle(idleTitle)
  await context.close()
})
