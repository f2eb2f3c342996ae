/**
 * The site chooses the window's colours with data-theme: `dark` whatever the visitor's system says,
 * `auto` following it, also when it changes while the window is open. (axe measures every state in
 * dark: accessibility.spec.ts.)
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'

const windowBackground = (page: Page) =>
  page.locator('[data-zchat] .zc-window').evaluate((el) => getComputedStyle(el).backgroundColor)

const light = 'rgb(255, 255, 255)'
const dark = 'rgb(28, 29, 33)'

test('a site that writes data-theme="dark" gets a dark window on a light system', async ({
  openSite,
}) => {
  const page = await openSite('?theme=dark')
  await page.emulateMedia({ colorScheme: 'light' })
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('dialog', { name: 'Chat with us' })).toBeVisible()
  expect(await windowBackground(page)).toBe(dark)
})

test('with data-theme="auto" the window follows the visitor switching their system to dark and back', async ({
  openSite,
}) => {
  const page = await openSite('?theme=auto')
  await page.emulateMedia({ colorScheme: 'light' })
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('dialog', { name: 'Chat with us' })).toBeVisible()
  expect(await windowBackground(page)).toBe(light)
  await page.emulateMedia({ colorScheme: 'dark' })
  expect(await windowBackground(page)).toBe(dark)
  await page.emulateMedia({ colorScheme: 'light' })
  expect(await windowBackground(page)).toBe(light)
})

test('without data-theme the window stays light on a dark system', async ({ openSite }) => {
  const page = await openSite()
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('dialog', { name: 'Chat with us' })).toBeVisible()
  expect(await windowBackground(page)).toBe(light)
})
