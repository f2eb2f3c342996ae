/**
 * A visitor who asks their system for less motion sees nothing move: the window appears without its
 * entrance, and the launcher's hover plays no transition (loader/styles.ts turns off every transition
 * and animation in the widget's shadow root).
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'

/** The window's entrance animation as the browser resolved it: `none` when turned off. */
const entrance = (page: Page) =>
  page.locator('[data-zchat] .zc-window').evaluate((el) => getComputedStyle(el).animationName)

test('with reduced motion the window opens without its entrance, in both themes', async ({
  openSite,
}) => {
  for (const theme of ['light', 'dark']) {
    const page = await openSite(`?theme=${theme}`)
    await page.emulateMedia({ reducedMotion: 'reduce' })
    const launcher = page.getByRole('button', { name: 'Open chat' })
    await launcher.hover()
    await launcher.click()
    await expect(page.getByRole('dialog', { name: 'Chat with us' })).toBeVisible()
    expect(await entrance(page), `the entrance in the ${theme} theme`).toBe('none')
    expect(
      await page.evaluate(
        () => document.querySelector('[data-zchat]')?.shadowRoot?.getAnimations().length,
      ),
    ).toBe(0)
  }
})

test('without a preference the window still plays its entrance', async ({ openSite }) => {
  const page = await openSite()
  await page.emulateMedia({ reducedMotion: 'no-preference' })
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('dialog', { name: 'Chat with us' })).toBeVisible()
  // The same check, which would see the entrance if it were not turned off.
  expect(await entrance(page)).toBe('zc-in')
})
