import { expect, interactionWith, send, shopUrl, test } from './fixtures.ts'

type Watched = { violations: string[] }

test('on a page with a strict CSP the visitor chats and sees the agent’s picture, and the page reports no violation', async ({
  browser,
  stack,
  agent,
}) => {
  const context = await browser.newContext()
  // Before any of the page's own scripts: every violation, from the page or the widget's shadow root.
  await context.addInitScript(() => {
    const watched = window as unknown as Watched
    watched.violations = []
    document.addEventListener(
      'securitypolicyviolation',
      (event) => watched.violations.push(`${event.violatedDirective} ${event.blockedURI}`),
      true,
    )
  })
  const page = await context.newPage()
  const cspMessages: string[] = []
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) cspMessages.push(message.text())
  })
  const response = await page.goto(shopUrl(stack, 'strict-csp'))
  const policy = response?.headers()['content-security-policy'] ?? ''
  expect(policy).toContain(`script-src 'self' ${stack.proxyUrl};`)
  expect(policy).toContain("style-src 'self';")
  expect(policy).not.toContain('unsafe')

  // The site's own script (page.js) opens it: zchat() is the stub's queue until widget.js runs.
  await page.getByRole('button', { name: 'Talk to us' }).click()
  const chat = page.getByRole('dialog', { name: 'Chat with us' })
  // The widget's styles apply: the launcher is a 56 px round button in the accent colour.
  const launcher = page.getByRole('button', { name: 'Close chat' })
  await expect(launcher).toHaveCSS('width', '56px')
  await expect(launcher).toHaveCSS('background-color', 'rgb(11, 107, 203)')
  await send(chat, 'Can I chat under a strict CSP?')

  const card = interactionWith(agent, 'Can I chat under a strict CSP?')
  await card.getByRole('button', { name: 'Accept' }).click()
  await card.getByRole('textbox', { name: 'Reply' }).fill('Yes, here is our tent')
  await card.getByRole('textbox', { name: 'Media URL' }).fill(`${stack.demoUrl}strict-csp/tent.svg`)
  await card.getByRole('combobox', { name: 'Media type' }).selectOption('image')
  await card.getByRole('button', { name: 'Send' }).click()
  await expect(chat.getByRole('log')).toContainText('Yes, here is our tent')
  const picture = chat.getByRole('log').getByRole('img')
  await expect(picture).toBeVisible()
  // Loaded, not just placed: img-src let it in.
  await expect
    .poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBe(64)

  expect(await page.evaluate(() => (window as unknown as Watched).violations)).toEqual([])
  expect(cspMessages).toEqual([])

  // The watch itself works: an inline style attribute on this page is a violation it sees.
  await page.evaluate(() => document.body.setAttribute('style', 'color: red'))
  await expect
    .poll(() => page.evaluate(() => (window as unknown as Watched).violations))
    .toEqual([expect.stringMatching(/^style-src/)])
  await context.close()
})
