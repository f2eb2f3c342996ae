import type { Locator, Page } from '@playwright/test'
import { expect, shopUrl, test } from './fixtures.ts'

test('on a phone the chat is a full-screen modal: the page stays put behind it, focus stays in it', async ({
  phone: visitor,
}) => {
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
  // Polled: the window slides in (12 px) as it opens.
  await expect.poll(() => chat.boundingBox()).toMatchObject({ x: 0, y: 0, width: 390, height: 844 })

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
})

test('on a wide screen the chat stays a non-modal window beside the page', async ({
  visitor,
  chat,
}) => {
  await visitor.getByRole('button', { name: 'Open chat' }).click()
  await expect(chat).toBeVisible()
  await expect(chat).not.toHaveAttribute('aria-modal', 'true')
})

/** WCAG contrast of two CSS colours as the browser resolves them (a canvas pixel gives sRGB bytes). */
async function contrastOf(page: Page, foreground: string, background: string): Promise<number> {
  return page.evaluate(
    ([fg, bg]) => {
      const context = document.createElement('canvas').getContext('2d', {
        willReadFrequently: true,
      })!
      const luminance = (color: string) => {
        context.clearRect(0, 0, 1, 1)
        context.fillStyle = color
        context.fillRect(0, 0, 1, 1)
        const [r = 0, g = 0, b = 0] = [...context.getImageData(0, 0, 1, 1).data].map((v) => {
          const c = v / 255
          return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
        })
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
      }
      const [a, b] = [luminance(fg), luminance(bg)]
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
    },
    [foreground, background] as const,
  )
}

const styleOf = (locator: Locator, property: string) =>
  locator.evaluate((el, name) => getComputedStyle(el).getPropertyValue(name), property)

test('a light brand colour still gives readable text: black on the launcher, darkened on white', async ({
  visitor,
  stack,
}) => {
  await visitor.goto(shopUrl(stack, '?color=%237dd3fc&z-index=5'))
  const launcher = visitor.getByRole('button', { name: 'Open chat' })
  expect(
    await contrastOf(
      visitor,
      await styleOf(launcher, 'color'),
      await styleOf(launcher, 'background-color'),
    ),
  ).toBeGreaterThanOrEqual(4.5)
  // data-z-index puts the widget where the site wants it in its stacking order.
  expect(await styleOf(visitor.locator('.zc'), 'z-index')).toBe('5')

  await launcher.click()
  const chat = visitor.getByRole('dialog', { name: 'Chat with us' })
  const header = chat.getByRole('heading', { name: 'Chat with us' })
  expect(
    await contrastOf(
      visitor,
      await styleOf(header, 'color'),
      await styleOf(chat.locator('.zc-header'), 'background-color'),
    ),
  ).toBeGreaterThanOrEqual(4.5)
  // The focus ring on the message box is the accent made dark enough for the white window.
  await visitor.keyboard.press('Tab')
  const focused = chat.locator(':focus-visible')
  const ring = await styleOf(focused, 'outline-color')
  expect(await contrastOf(visitor, ring, 'white')).toBeGreaterThanOrEqual(4.5)
})

test('in forced colours (Windows high contrast) every control keeps a border', async ({
  browser,
  stack,
}) => {
  const context = await browser.newContext({ forcedColors: 'active' })
  const visitor = await context.newPage()
  await visitor.goto(shopUrl(stack))
  const launcher = visitor.getByRole('button', { name: 'Open chat' })
  expect(await styleOf(launcher, 'border-top-width')).not.toBe('0px')
  await launcher.click()
  const chat = visitor.getByRole('dialog', { name: 'Chat with us' })
  for (const control of await chat.locator('button:visible, textarea:visible, input:visible').all())
    expect(await styleOf(control, 'border-top-style')).not.toBe('none')
  await context.close()
})

test("a page whose window.zchat is another script's keeps it: the widget warns once and answers to data-global", async ({
  browser,
  stack,
}) => {
  const context = await browser.newContext()
  const visitor = await context.newPage()
  const warnings: string[] = []
  visitor.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text())
  })
  await visitor.goto(shopUrl(stack, '?foreign-global=1&global=acmeChat'))
  const launcher = visitor.getByRole('button', { name: 'Open chat' })
  await expect(launcher).toBeVisible()
  type Page = { zchat: () => string; acmeChat: (command: string) => void }
  // Theirs is untouched; ours is where the site asked.
  expect(await visitor.evaluate(() => (window as unknown as Page).zchat())).toBe('theirs')
  await visitor.evaluate(() => (window as unknown as Page).acmeChat('open'))
  await expect(visitor.getByRole('dialog', { name: 'Chat with us' })).toBeVisible()
  expect(warnings).toEqual([])
  await visitor.evaluate(() => (window as unknown as Page).acmeChat('close'))

  // Without data-global: one warning that names the fallback, and theirs still untouched.
  await visitor.goto(shopUrl(stack, '?foreign-global=1'))
  await expect(launcher).toBeVisible()
  expect(await visitor.evaluate(() => (window as unknown as Page).zchat())).toBe('theirs')
  expect(warnings.filter((text) => text.startsWith('[zchat]'))).toEqual([
    '[zchat] window.zchat is taken; using window.zchatWidget (see data-global)',
  ])
  await visitor.evaluate(() =>
    (window as unknown as { zchatWidget: (command: string) => void }).zchatWidget('open'),
  )
  await expect(visitor.getByRole('dialog', { name: 'Chat with us' })).toBeVisible()
  await context.close()
})

test('on a phone with the on-screen keyboard open, the message box stays above the keyboard', async ({
  phone,
}) => {
  // Headless Chromium draws no on-screen keyboard. A phone's browser, when it opens one, shrinks the
  // visual viewport (not the layout viewport) and says so with its `resize` event: the page gets that
  // viewport here, driven by the story, in place of the browser's own.
  await phone.context().addInitScript(() => {
    const real = window.visualViewport
    const fake = new EventTarget() as EventTarget & { height: number; offsetTop: number }
    Object.assign(fake, {
      width: real?.width ?? 390,
      height: real?.height ?? 844,
      offsetLeft: 0,
      offsetTop: 0,
      pageLeft: 0,
      pageTop: 0,
      scale: 1,
    })
    Object.defineProperty(window, 'visualViewport', { configurable: true, get: () => fake })
    ;(window as unknown as { keyboard: (height: number) => void }).keyboard = (height) => {
      fake.height = 844 - height
      fake.dispatchEvent(new Event('resize'))
    }
  })
  await phone.reload()
  await phone.getByRole('button', { name: 'Open chat' }).click()
  const chat = phone.getByRole('dialog', { name: 'Chat with us' })
  const message = chat.getByRole('textbox', { name: 'Message' })
  await message.click()
  const keyboard = (height: number) =>
    phone.evaluate(
      (h) => (window as unknown as { keyboard: (h: number) => void }).keyboard(h),
      height,
    )
  const bottomOf = (locator: Locator) =>
    locator.evaluate((el) => Math.round(el.getBoundingClientRect().bottom))

  await keyboard(336)
  // Everything the visitor needs to write stays in the 508 px the keyboard leaves.
  await expect.poll(() => bottomOf(chat)).toBeLessThanOrEqual(508)
  expect(await bottomOf(message)).toBeLessThanOrEqual(508)
  expect(await bottomOf(chat.getByRole('button', { name: 'Send' }))).toBeLessThanOrEqual(508)
  await expect(chat.getByRole('button', { name: 'Minimize' })).toBeInViewport()

  await keyboard(0)
  await expect.poll(() => bottomOf(chat)).toBe(844)
})
