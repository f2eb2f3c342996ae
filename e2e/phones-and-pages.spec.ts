import { expect, test } from './fixtures.ts'

test('on a phone the chat is a full-screen modal: the page stays put behind it, focus stays in it', async ({
  browser,
  stack,
}) => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  })
  const visitor = await context.newPage()
  await visitor.goto(stack.demoUrl)
  // Made tall enough to scroll, then scrolled down a little, as a reader would be.
  await visitor.evaluate(() => {
    document.body.style.minHeight = '3000px'
    window.scrollTo(0, 300)
  })
  const heading = visitor.locator('h1')
  const headingTop = () => heading.evaluate((el) => el.getBoundingClientRect().top)
  const before = await headingTop()

  await visitor.getByRole('button', { name: 'Open chat' }).click()
  const chat = visitor.getByRole('dialog', { name: 'Chat with us' })
  await expect(chat).toHaveAttribute('aria-modal', 'true')
  const box = await chat.boundingBox()
  expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 })

  // Scrolling over the chat, or with the wheel anywhere, does not move the page behind.
  await visitor.mouse.move(195, 400)
  await visitor.mouse.wheel(0, 800)
  await visitor.evaluate(() => window.scrollBy(0, 500))
  expect(await headingTop()).toBe(before)

  // iOS zooms into fields under 16 px.
  const sizes = await chat.evaluate((dialog) =>
    [...dialog.querySelectorAll('input, textarea')].map((el) =>
      Number.parseFloat(getComputedStyle(el).fontSize),
    ),
  )
  expect(sizes.length).toBeGreaterThan(0)
  for (const size of sizes) expect(size).toBeGreaterThanOrEqual(16)

  // Tab from the last control comes back to the first; Shift+Tab from the first goes to the last.
  const send = chat.getByRole('button', { name: 'Send' })
  await send.focus()
  await visitor.keyboard.press('Tab')
  await expect(chat.getByRole('button', { name: 'Minimize' })).toBeFocused()
  await visitor.keyboard.press('Shift+Tab')
  await expect(send).toBeFocused()

  // Closed, the page is where the visitor left it, its own styles untouched.
  await chat.getByRole('button', { name: 'Minimize' }).click()
  await expect(chat).toBeHidden()
  expect(await visitor.evaluate(() => [window.scrollY, document.body.style.position])).toEqual([
    300,
    '',
  ])
  await context.close()
})

test('on a wide screen the chat stays a non-modal window beside the page', async ({
  visitor,
  chat,
}) => {
  await visitor.getByRole('button', { name: 'Open chat' }).click()
  await expect(chat).toBeVisible()
  await expect(chat).not.toHaveAttribute('aria-modal', 'true')
})
