import type { Browser, BrowserContextOptions, Page } from '@playwright/test'
import { expect, shopUrl, test } from './fixtures.ts'

const words = 'Hi! Can I help with your order?'
const greeting = `?greeting=${encodeURIComponent(words)}&greeting-delay=5`

/**
 * The demo shop in a browser of its own, its timers on Playwright's clock (the greeting's delay runs
 * when the story says), and every request the page makes recorded.
 */
async function openShop(
  browser: Browser,
  stack: { demoUrl: string },
  query: string,
  options: BrowserContextOptions = {},
) {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  await page.clock.install()
  const requests: string[] = []
  page.on('request', (request) => requests.push(request.url()))
  await page.goto(shopUrl(stack, query))
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
  return { context, page, requests }
}

/** The requests to the proxy but the loader's own script; a request of the page's flushes those made before it. */
async function toProxy(page: Page, requests: string[], proxyUrl: string) {
  await page.evaluate(() => fetch('/favicon.ico'))
  const origin = new URL(proxyUrl).origin
  return requests.filter((url) => new URL(url).origin === origin && !/\/widget\.js$/.test(url))
}

test('a site greets the visitor after a few seconds beside the launcher, and nothing reaches the proxy until the visitor acts', async ({
  browser,
  stack,
}) => {
  const { context, page, requests } = await openShop(browser, stack, greeting)
  const title = await page.title()
  const launcher = page.getByRole('button', { name: 'Open chat' })
  const bubble = page.getByRole('status').filter({ hasText: words })

  await page.clock.runFor(4_000)
  await expect(bubble).toHaveCount(0)
  await page.clock.runFor(1_000)
  await expect(bubble).toBeVisible()
  // The badge, read out with the launcher, and the page's title flagged.
  await expect(launcher).toHaveAccessibleDescription('Unread messages: 1')
  await expect(launcher).toContainText('1')
  await expect(page).toHaveTitle(`(1) ${title}`)
  // Shown, with the chat neither loaded nor asked for.
  await expect(page.getByRole('dialog')).toHaveCount(0)
  expect(await toProxy(page, requests, stack.proxyUrl)).toEqual([])

  // Escape closes it, and gives focus to the launcher.
  await page.getByRole('button', { name: 'Close greeting' }).focus()
  await page.keyboard.press('Escape')
  await expect(bubble).toHaveCount(0)
  await expect(launcher).toBeFocused()
  await expect(launcher).toHaveAccessibleDescription('')
  await expect(page).toHaveTitle(title)

  // The same browser session: no greeting on the next page load.
  await page.reload()
  await expect(launcher).toBeVisible()
  await page.clock.runFor(60_000)
  await expect(bubble).toHaveCount(0)
  await expect(page).toHaveTitle(title)
  await context.close()
})

test('the greeting closes with its close button, for the rest of the browser session', async ({
  browser,
  stack,
}) => {
  const { context, page } = await openShop(browser, stack, greeting)
  const bubble = page.getByRole('status').filter({ hasText: words })
  await page.clock.runFor(5_000)
  await expect(bubble).toBeVisible()
  await page.getByRole('button', { name: 'Close greeting' }).click()
  await expect(bubble).toHaveCount(0)
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Open chat' })).toHaveAccessibleDescription('')

  await page.reload()
  await page.clock.runFor(60_000)
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
  await expect(bubble).toHaveCount(0)
  await context.close()
})

test("the page's zchat('greet') greets too; clicking the greeting opens the chat, which shows it inside", async ({
  browser,
  stack,
}) => {
  // Without data-greeting-delay, data-greeting stays inside the chat: no greeting beside the launcher.
  const { context, page } = await openShop(
    browser,
    stack,
    `?greeting=${encodeURIComponent('Hello')}`,
  )
  await page.clock.runFor(60_000)
  await expect(page.getByRole('status').filter({ hasText: 'Hello' })).toHaveCount(0)

  await page.evaluate(
    (text) =>
      (window as unknown as { zchat: (...args: unknown[]) => void }).zchat('greet', text, {
        delay: 3,
      }),
    words,
  )
  await page.clock.runFor(3_000)
  await page.getByRole('button', { name: words }).click()
  const chat = page.getByRole('dialog', { name: 'Chat with us' })
  await expect(chat).toBeVisible()
  await expect(chat).toContainText(words)
  await expect(page.getByRole('status').filter({ hasText: words })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Close chat' })).toHaveAccessibleDescription('')
  await context.close()
})

test('on a phone the greeting never opens the full-screen chat by itself; tapping it does', async ({
  browser,
  stack,
}) => {
  const { context, page, requests } = await openShop(browser, stack, `${greeting}&theme=dark`, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  })
  const bubble = page.getByRole('status').filter({ hasText: words })
  await page.clock.runFor(5_000)
  await expect(bubble).toBeVisible()
  // data-theme="dark" before the chat is loaded: the loader's own dark colours.
  await expect(page.getByRole('button', { name: words })).toHaveCSS(
    'background-color',
    'rgb(28, 29, 33)',
  )
  await page.clock.runFor(120_000)
  await expect(page.getByRole('dialog')).toHaveCount(0)
  expect(await toProxy(page, requests, stack.proxyUrl)).toEqual([])

  await page.getByRole('button', { name: words }).tap()
  const chat = page.getByRole('dialog', { name: 'Chat with us' })
  await expect(chat).toBeVisible()
  await expect(chat).toContainText(words)
  await context.close()
})
