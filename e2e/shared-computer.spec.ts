/**
 * A shared or family computer: Ana, signed in on the site, chats; then Bia signs in on the same
 * browser. Bia must see nothing of Ana's conversation, nor carry it into her own: whether the site
 * calls `zchat('reset')` at Ana's logout or forgets to.
 */
import type { Browser, Page } from '@playwright/test'
import {
  expect,
  interactionWith,
  recordedInteraction,
  reply,
  send,
  shopUrl,
  signedIdentity,
  test,
} from './fixtures.ts'

type Stack = Parameters<typeof signedIdentity>[0] & { demoUrl: string }

/** The site's page for a signed-in customer: its server signs the identity into the snippet. */
async function signedInPage(page: Page, stack: Stack, customerKey: string) {
  const { payload, signature } = signedIdentity(stack, { customerKey })
  await page.goto(
    shopUrl(
      stack,
      `?identity=${encodeURIComponent(payload)}&identity-signature=${encodeURIComponent(signature)}`,
    ),
  )
}

/** Opens the chat window, unless it stayed open from the tab's last page. */
async function openChat(page: Page) {
  const launcher = page.getByRole('button', { name: /^(Open|Close) chat$/ })
  if ((await launcher.getAttribute('aria-label')) === 'Open chat') await launcher.click()
  return page.getByRole('dialog', { name: 'Chat with us' })
}

/** Ana, signed in on a browser of her own, in a chat that an agent has taken and answered. */
async function anaChatting(
  browser: Browser,
  stack: Stack,
  agent: Page,
  text: string,
  answer: string,
) {
  const computer = await browser.newContext()
  const tab = await computer.newPage()
  await signedInPage(tab, stack, 'crm-ana')
  const chat = await openChat(tab)
  await send(chat, text)
  const card = interactionWith(agent, text)
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, answer)
  await expect(chat.getByRole('log')).toContainText(answer)
  return { computer, tab, chat, card }
}

/** What zChat was told about the conversation in which `text` was written: its customer and history. */
async function zchatRecordOf(stack: { emulator: { url: string } }, text: string) {
  const { hash, customerKey } = await recordedInteraction(stack, text)
  const response = await fetch(
    `${stack.emulator.url}/control/interactions/${encodeURIComponent(hash)}`,
  )
  const { externalHistory } = (await response.json()) as { externalHistory: unknown }
  return { customerKey, externalHistory }
}

test("the site resets the chat at Ana's logout: Bia, signed in next on that browser, sees and carries nothing of Ana's, in any tab", async ({
  browser,
  stack,
  agent,
}) => {
  const { computer, tab, chat } = await anaChatting(
    browser,
    stack,
    agent,
    'My card ends in 4242, where is my refund?',
    'Your refund leaves today, Ana',
  )
  // A second tab of the site shows the same conversation.
  const other = await computer.newPage()
  await signedInPage(other, stack, 'crm-ana')
  const otherChat = await openChat(other)
  await expect(otherChat.getByRole('log')).toContainText('Your refund leaves today, Ana')

  // Ana logs out: the site calls the widget's reset.
  await tab.evaluate(() => {
    ;(window as unknown as { zchat: (command: string) => void }).zchat('reset')
  })
  for (const window of [chat, otherChat]) {
    await expect(window.getByText('My card ends in 4242')).toHaveCount(0)
    await expect(window.getByText('Your refund leaves today')).toHaveCount(0)
    await expect(window.getByRole('textbox', { name: 'Message' })).toBeEnabled()
  }
  expect(await tab.evaluate(() => Object.values(localStorage).join(' '))).not.toMatch(
    /crm-ana|v\d\./,
  )

  // Bia signs in on the same browser and opens the chat.
  await other.close()
  await signedInPage(tab, stack, 'crm-bia')
  const bias = await openChat(tab)
  await expect(bias.getByRole('textbox', { name: 'Message' })).toBeEnabled()
  await expect(bias.getByText('My card ends in 4242')).toHaveCount(0)
  await expect(bias.getByText('Your refund leaves today')).toHaveCount(0)
  await send(bias, 'Hello, I am Bia')
  await expect(bias.getByRole('log')).toContainText('Hello, I am Bia')
  await expect(tab.getByText('My card ends in 4242')).toHaveCount(0)

  // zChat files Bia's chat under Bia, with no history of Ana's.
  await expect
    .poll(async () => (await zchatRecordOf(stack, 'Hello, I am Bia')).customerKey)
    .toBe('crm-bia')
  expect((await zchatRecordOf(stack, 'Hello, I am Bia')).externalHistory).toBeNull()
  await computer.close()
})

test('the site forgets to reset: the widget sees another signed customer and forgets the last one by itself', async ({
  browser,
  stack,
  agent,
}) => {
  const { computer, tab, chat, card } = await anaChatting(
    browser,
    stack,
    agent,
    'Please call me on my private number',
    'Sure Ana, we will call you',
  )
  await card.getByRole('button', { name: 'Finish' }).click()
  await expect(chat.getByText('The chat has ended')).toBeVisible()

  // Ana leaves without logging out of the widget; Bia signs in.
  await signedInPage(tab, stack, 'crm-bia')
  const bias = await openChat(tab)
  await expect(bias.getByRole('textbox', { name: 'Message' })).toBeEnabled()
  await expect(bias.getByText('Please call me on my private number')).toHaveCount(0)
  await expect(bias.getByText('Sure Ana, we will call you')).toHaveCount(0)
  await expect(bias.getByText('The chat has ended')).toHaveCount(0)
  await send(bias, 'Bia here, a new question')
  await expect
    .poll(async () => (await zchatRecordOf(stack, 'Bia here, a new question')).customerKey)
    .toBe('crm-bia')
  expect((await zchatRecordOf(stack, 'Bia here, a new question')).externalHistory).toBeNull()

  // Back on Ana's account later, the same browser: Bia's chat is not Ana's to see either.
  await signedInPage(tab, stack, 'crm-ana')
  const anas = await openChat(tab)
  await expect(anas.getByRole('textbox', { name: 'Message' })).toBeEnabled()
  await expect(anas.getByText('Bia here, a new question')).toHaveCount(0)
  await computer.close()
})

test("what reads who is signed in cannot be fetched at first: Bia's page shows nothing of Ana's chat, then forgets it", async ({
  browser,
  stack,
  agent,
}) => {
  const { computer, tab } = await anaChatting(
    browser,
    stack,
    agent,
    'My card ends in 4242',
    'Thanks Ana, checking',
  )

  // Ana's chat goes on as Bia signs in, the site forgetting to reset; the part of the chat that reads
  // the page's identity does not come the first two times it is asked for.
  let refused = 0
  await tab.route('**/identity-part-*.js', (route) =>
    refused++ < 2 ? route.abort() : route.continue(),
  )
  await signedInPage(tab, stack, 'crm-bia')
  const bias = await openChat(tab)
  await expect(bias.getByRole('textbox', { name: 'Message' })).toBeEnabled()
  await expect(bias.getByText('My card ends in 4242')).toHaveCount(0)
  await expect(bias.getByText('Thanks Ana, checking')).toHaveCount(0)
  // Asked for again until it came.
  expect(refused).toBeGreaterThan(2)
  await send(bias, 'Bia asking about her order')
  await expect
    .poll(async () => (await zchatRecordOf(stack, 'Bia asking about her order')).customerKey)
    .toBe('crm-bia')
  await computer.close()
})

test("a site that hands the widget its identity by function: Bia's page never even opens Ana's conversation", async ({
  browser,
  stack,
  agent,
}) => {
  const computer = await browser.newContext()
  // The site's server behind the page's fetch: it signs for whoever is signed in now, and answers
  // Bia's page only when the story lets it.
  let signedIn = 'crm-ana'
  let answer = Promise.resolve()
  await computer.exposeFunction('signForChat', async () => {
    await answer
    return signedIdentity(stack, { customerKey: signedIn })
  })
  // Each page of the site says, before widget.js runs, how to get its identity (the snippet's queue).
  await computer.addInitScript(() => {
    const site = window as unknown as {
      zchat: ((...args: unknown[]) => void) & { q?: unknown[][] }
      signForChat: () => Promise<unknown>
    }
    site.zchat = (...args: unknown[]) => {
      site.zchat.q ??= []
      site.zchat.q.push(args)
    }
    site.zchat('identify', { identity: () => site.signForChat() })
  })
  const byFunction = (page: Page) => page.goto(shopUrl(stack))
  const tab = await computer.newPage()
  await byFunction(tab)
  const chat = await openChat(tab)
  await send(chat, 'My new address is Rua Augusta 10')
  const card = interactionWith(agent, 'My new address is Rua Augusta 10')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Noted, Ana')
  const ana = (await recordedInteraction(stack, 'My new address is Rua Augusta 10')).hash

  // Ana's chat is still going on when Bia signs in; the site forgets to reset.
  signedIn = 'crm-bia'
  let letAnswer = () => {}
  answer = new Promise((resolve) => {
    letAnswer = resolve
  })
  const opened: string[] = []
  computer.on('request', (request) => {
    if (request.url().includes(encodeURIComponent(ana))) opened.push(request.url())
  })
  // The chat loads and asks the proxy what it allows while the site's server has not answered yet:
  // nothing of Ana's conversation is opened meanwhile.
  const configured = tab.waitForResponse((response) => response.url().endsWith('/v1/config'))
  await byFunction(tab)
  await configured
  expect(opened).toEqual([])
  letAnswer()
  const bias = await openChat(tab)
  await expect(bias.getByRole('textbox', { name: 'Message' })).toBeEnabled()
  await expect(bias.getByText('Rua Augusta')).toHaveCount(0)
  await expect(bias.getByText('Noted, Ana')).toHaveCount(0)
  expect(opened).toEqual([])
  await computer.close()
})
