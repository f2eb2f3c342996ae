/**
 * Two browser pages, the way the product is used: a visitor on the demo website and an agent on
 * the emulator's console, both talking to a real proxy over real HTTP. One stack per worker, started
 * through the same `startDemo` as `npm start`.
 */

import { randomUUID } from 'node:crypto'
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  test as base,
  expect,
  type Locator,
  type Page,
} from '@playwright/test'
import { loadDemoConfig } from '../demo/config.ts'
import { type Demo, startDemo } from '../demo/start.ts'
import { signIdentity } from '../proxy/identity.ts'

/** Shared with the "site's server" of the identity stories, which signs visitors with it. */
export const identitySecret = 'e2e-identity-secret-0123456789abcdef'

/** What the site's server signs for its logged-in customer (docs/identity.md): fresh, for this proxy, once. */
export function signedIdentity(stack: { proxyUrl: string }, customer: object) {
  const iat = Math.floor(Date.now() / 1000)
  return signIdentity(identitySecret, {
    ...customer,
    iat,
    exp: iat + 300,
    aud: stack.proxyUrl,
    jti: randomUUID(),
  })
}

type Stack = Demo & {
  demoUrl: string
  consoleUrl: string
  zchatToken: string
  webhookSecret: string
}

/**
 * Opens the demo website in a browser of its own, with snippet options in the query (`?prechat=...`),
 * in English unless the query names the page's language (see shopUrl).
 */
export type OpenSite = (query?: string) => Promise<Page>

export const test = base.extend<
  { visitor: Page; agent: Page; chat: Locator; openSite: OpenSite; phone: Page },
  { stack: Stack }
>({
  stack: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const config = loadDemoConfig({
        PORT: '0',
        DEMO_PORT: '0',
        EMULATOR_PORT: '0',
        LOG_LEVEL: 'silent',
        HEARTBEAT_MS: '2000',
        IDENTITY_SECRET: identitySecret,
        // The stories of data-channels answer on WhatsApp and by SMS too; a site offers them itself.
        ALLOWED_CHANNELS: 'web,whatsapp,sms',
        // Every story of a worker reaches this one proxy from the one address: the limits per
        // address would count all their visitors as one (a story starting three chats in a minute
        // after others got 429). They are tested apart, in proxy/security/.
        STARTS_PER_MINUTE: '1000',
        UPLOADS_PER_MINUTE: '1000',
        LEAVE_MESSAGE_PER_MINUTE: '1000',
      })
      const demo = await startDemo(config, { logger: false })
      await use({
        ...demo,
        demoUrl: `${demo.site.url}/`,
        consoleUrl: demo.emulator.consoleUrl,
        zchatToken: config.proxy.zchatToken,
        webhookSecret: config.proxy.webhookSecret,
      })
      await demo.close()
    },
    { scope: 'worker' },
  ],
  visitor: async ({ browser, stack }, use) => {
    await usePageAt(browser, shopUrl(stack), use)
  },
  agent: async ({ browser, stack }, use) => {
    // Each story starts with an empty queue, so queue positions do not depend on earlier stories.
    await fetch(`${stack.emulator.url}/control/reset`, { method: 'POST' })
    await usePageAt(browser, stack.consoleUrl, use)
  },
  openSite: async ({ browser, stack }, use) => {
    // Each story starts with an empty zChat, so what it finds there is its own.
    await fetch(`${stack.emulator.url}/control/reset`, { method: 'POST' })
    const contexts: BrowserContext[] = []
    await use(async (query = '') => {
      const context = await browser.newContext()
      contexts.push(context)
      const page = await context.newPage()
      await page.goto(shopUrl(stack, query))
      return page
    })
    for (const context of contexts) await context.close()
  },
  /** The demo website on a phone: a browser of its own, 390 x 844 (an iPhone 12 to 14), touch. */
  phone: async ({ browser, stack }, use) => {
    await usePageAt(browser, shopUrl(stack), use, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    })
  },
  chat: async ({ visitor }, use) => {
    await use(visitor.getByRole('dialog', { name: 'Chat with us' }))
  },
})

export { expect }

/**
 * The demo shop at `address` (a path and query: `?prechat=name`, `checkout?extra=...#pay`), in English
 * unless the query names the page's language (`page-lang`). The shop is Brazilian and speaks
 * Portuguese by default, and the widget with it; most stories read the widget's English words.
 */
export function shopUrl(stack: { demoUrl: string }, address = ''): string {
  const url = new URL(address, stack.demoUrl)
  if (!url.searchParams.has('page-lang'))
    url.search = `${url.search || '?'}${url.search ? '&' : ''}page-lang=en`
  return url.href
}

/** A fixture's page: `url` in a browser of its own (a phone's, with `options`), closed after the story. */
export async function usePageAt(
  browser: Browser,
  url: string,
  use: (page: Page) => Promise<void>,
  options: BrowserContextOptions = {},
) {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  await page.goto(url)
  await use(page)
  await context.close()
}

/** Opens the chat on the visitor's page and sends a first message, which starts the conversation. */
export async function startChat(visitor: Page, text: string): Promise<Locator> {
  await visitor.getByRole('button', { name: 'Open chat' }).click()
  const chat = visitor.getByRole('dialog', { name: 'Chat with us' })
  await send(chat, text)
  return chat
}

export async function send(chat: Locator, text: string) {
  await chat.getByRole('textbox', { name: 'Message' }).fill(text)
  await chat.getByRole('button', { name: 'Send' }).click()
}

/** A weekday that is not today in São Paulo: hours on it alone are closed now. */
export function anotherDay(): string {
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
  const today = new Intl.DateTimeFormat('en-US', {
    weekday: 'short',
    timeZone: 'America/Sao_Paulo',
  })
    .format(new Date())
    .slice(0, 3)
    .toLowerCase()
  return days[(days.indexOf(today) + 3) % 7]!
}

/** The agent console's card for the conversation that contains `text`. */
export function interactionWith(agent: Page, text: string): Locator {
  return agent.getByRole('article').filter({ hasText: text })
}

export async function reply(card: Locator, text: string) {
  await card.getByRole('textbox', { name: 'Reply' }).fill(text)
  await card.getByRole('button', { name: 'Send' }).click()
  // The agent sees their message in the conversation before writing the next one.
  await expect(card.getByRole('list', { name: 'Messages' })).toContainText(text)
}

export type EmulatedInteraction = {
  hash: string
  customer: Record<string, unknown>
  extra: Record<string, unknown>
  mood: string | null
  note: string | null
  customerKey: string | null
  tagIds: string[]
  messages: Array<{ direction: string; content: string; type: string; url: string | null }>
}

/** Sets the emulator's faults (`/control/faults`): what the document leaves open, answered one way. */
export async function setFaults(stack: { emulator: { url: string } }, body: object) {
  const response = await fetch(`${stack.emulator.url}/control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
}

/** What zChat (the emulator) recorded for the conversation in which the visitor wrote `text`. */
export async function recordedInteraction(
  stack: { emulator: { url: string } },
  text: string,
): Promise<EmulatedInteraction> {
  let found: EmulatedInteraction | undefined
  await expect
    .poll(async () => {
      const all = (await (
        await fetch(`${stack.emulator.url}/control/interactions`)
      ).json()) as EmulatedInteraction[]
      found = all.find((i) => i.messages.some((m) => m.content === text))
      return found !== undefined
    })
    .toBe(true)
  return found!
}
