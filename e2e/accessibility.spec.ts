/**
 * The widget passes axe (axe-core, every rule it runs by default: WCAG A and AA plus best practices)
 * with no violation in each state a visitor meets it in, on a desktop and on a phone. axe runs in the
 * visitor's page on the widget alone: its open shadow root, not the demo page around it.
 */
import { createRequire } from 'node:module'
import type { Page } from '@playwright/test'
import { samplePng } from '../proxy/testing/harness.ts'
import {
  anotherDay,
  expect,
  interactionWith,
  recordedInteraction,
  reply,
  send,
  setFaults,
  startChat,
  test,
} from './fixtures.ts'

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

type Node = { target: unknown; failureSummary?: string; element?: Element }
type Rule = { id: string; help: string; nodes: Node[] }
type Axe = {
  run(
    context: unknown,
    options?: unknown,
  ): Promise<{ violations: Rule[]; passes: Rule[]; incomplete: Rule[] }>
}

/**
 * axe's violations in the widget, one readable line each. Two runs: every rule with the widget where
 * the loader puts it (its host on <html>, after <body>), then colour contrast alone with the host
 * moved into <body> for the time of the run: axe cannot work out the background of anything outside
 * <body> and would leave every contrast check "incomplete", which proves nothing.
 */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath })
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: Axe }).axe
    const widget = { include: [{ fromShadowDom: ['[data-zchat]', '.zc'] }] }
    const all = await axe.run(widget)
    const host = document.querySelector('[data-zchat]') as HTMLElement
    const [parent, next, bodyInert] = [host.parentNode, host.nextSibling, document.body.inert]
    // The phone modal makes <body> inert; inside it, axe would skip the widget.
    document.body.inert = false
    document.body.append(host)
    // Inserted again, the window plays its entrance again: measure it once it is fully shown.
    await Promise.all(host.shadowRoot?.getAnimations().map((a) => a.finished) ?? [])
    const contrast = await axe
      .run(widget, { runOnly: ['color-contrast'], elementRef: true })
      .finally(() => {
        parent?.insertBefore(host, next)
        document.body.inert = bodyInert
      })
    const line = (rule: Rule) =>
      `${rule.id} (${rule.help}): ${rule.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('; ')}`
    // Empty fields cannot be measured (there is no text yet); anything else must be.
    const unmeasured = contrast.incomplete.map((rule) => ({
      ...rule,
      nodes: rule.nodes.filter(
        (n) => !(n.element instanceof HTMLInputElement || n.element instanceof HTMLTextAreaElement),
      ),
    }))
    return {
      violations: [...all.violations, ...contrast.violations].map(line),
      unmeasured: unmeasured.filter((rule) => rule.nodes.length > 0).map(line),
      windowOpen: host.shadowRoot?.querySelector('.zc-window')?.checkVisibility() === true,
      buttonsChecked: all.passes.find((rule) => rule.id === 'button-name')?.nodes.length ?? 0,
      contrastChecked:
        contrast.passes.find((rule) => rule.id === 'color-contrast')?.nodes.length ?? 0,
    }
  })
  // No violation because nothing was checked would prove nothing: axe must have seen the widget.
  expect(found.buttonsChecked, 'buttons axe checked in the widget').toBeGreaterThan(0)
  // The launcher's only text is for screen readers: there is nothing to measure until the window opens.
  if (found.windowOpen) {
    expect(found.contrastChecked, 'texts whose contrast axe measured').toBeGreaterThan(0)
  }
  return [...found.violations, ...found.unmeasured.map((line) => `unmeasured ${line}`)]
}

async function expectAccessible(page: Page, state: string) {
  expect(await violations(page), `axe in the ${state} state`).toEqual([])
}

/** In the dark run, the page again with data-theme="auto": the widget follows the dark system. */
async function inTheme(page: Page, theme: 'light' | 'dark') {
  if (theme === 'light') return
  await page.goto(`${page.url()}&theme=auto`)
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
}

/** The chat window's own background: dark in the dark run (axe measured text on this). */
async function expectWindowTheme(page: Page, theme: 'light' | 'dark') {
  const background = await page
    .locator('[data-zchat] .zc-window')
    .evaluate((el) => getComputedStyle(el).backgroundColor)
  expect(background).toBe(theme === 'dark' ? 'rgb(28, 29, 33)' : 'rgb(255, 255, 255)')
}

/**
 * Each story runs twice: in the default light theme, and with data-theme="auto" on a system that
 * prefers dark (the same colours as data-theme="dark", through the media query).
 */
for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme })

    test('the widget has no accessibility violation from the launcher to the rating', async ({
      visitor,
      agent,
      stack,
    }) => {
      await expect(visitor.getByRole('button', { name: 'Open chat' })).toBeVisible()
      await inTheme(visitor, theme)
      await expectAccessible(visitor, 'closed')

      await visitor.getByRole('button', { name: 'Open chat' }).click()
      const chat = visitor.getByRole('dialog', { name: 'Chat with us' })
      await expect(chat.getByRole('textbox', { name: 'Name' })).toBeVisible()
      await expectWindowTheme(visitor, theme)
      await expectAccessible(visitor, 'pre-chat')

      await send(chat, 'Is this accessible?')
      await expect(chat.getByText(/number 1 in the queue/i)).toBeVisible()
      await expectAccessible(visitor, 'queued')

      const card = interactionWith(agent, 'Is this accessible?')
      await card.getByRole('button', { name: 'Accept' }).click()
      await reply(card, 'Let us check: https://shop.test/a11y')
      await expect(chat.getByRole('log')).toContainText('Let us check')
      await expectAccessible(visitor, 'chatting')

      // A picture waiting to be sent: its preview above the one message box, which asks for its caption.
      const chooser = visitor.waitForEvent('filechooser')
      await chat.getByRole('button', { name: 'Attach a file' }).click()
      await (await chooser).setFiles({
        name: 'tent.png',
        mimeType: 'image/png',
        buffer: samplePng(),
      })
      await expect(chat.getByRole('textbox', { name: 'Add a caption' })).toBeFocused()
      await expectAccessible(visitor, 'file staged')
      await chat.getByRole('button', { name: 'Remove' }).click()
      await expect(chat.getByRole('textbox', { name: 'Message' })).toBeFocused()

      await card.getByRole('button', { name: 'Start typing' }).click()
      await expect(chat.getByText('Agent is typing…')).toBeVisible()
      await expectAccessible(visitor, 'agent typing')

      // zChat answers every message with a 502 for a while: the message is not sent, with Retry.
      await setFaults(stack, { failNext: { status: 502, count: 50 } })
      await send(chat, 'While zChat is down')
      await expect(chat.getByRole('alert')).toHaveText('Could not send. Retry.', {
        timeout: 20_000,
      })
      await expect(chat.getByRole('button', { name: 'Retry' })).toBeVisible()
      await expectAccessible(visitor, 'failed message')
      await setFaults(stack, { failNext: null })

      await card.getByRole('button', { name: 'Finish' }).click()
      await expect(chat.getByText('The chat has ended')).toBeVisible()
      await expectAccessible(visitor, 'finished')

      await chat.getByRole('button', { name: 'Good' }).click()
      await expect(chat.getByRole('textbox', { name: 'Comment (optional)' })).toBeVisible()
      await expectAccessible(visitor, 'rating')
      await chat.getByRole('button', { name: 'Send rating' }).click()
      await expect(chat.getByText('Thanks for your feedback')).toBeVisible()
      await expectAccessible(visitor, 'rated')
    })

    test("the widget has no accessibility violation when an agent's long answer comes with zChat's accepted lost", async ({
      visitor,
      agent,
      stack,
    }) => {
      // The contract allows a trigger to be lost: the agent's messages are then all the widget hears.
      await setFaults(stack, { lostTriggers: ['accepted'] })
      await inTheme(visitor, theme)
      const chat = await startChat(visitor, 'Which tent for two?')
      await expect(chat.getByText(/number 1 in the queue/i)).toBeVisible()
      const card = interactionWith(agent, 'Which tent for two?')
      await card.getByRole('button', { name: 'Accept' }).click()
      // The click returns before the console's call is answered: the agent sees it accepted first.
      await expect(card).toContainText('Accepted')
      const { hash } = await recordedInteraction(stack, 'Which tent for two?')
      // More than the log can show at once: it scrolls, with nothing in it to focus.
      for (let line = 1; line <= 14; line++) {
        const sent = await fetch(`${stack.emulator.url}/control/interactions/${hash}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ content: `Point ${line} of the answer` }),
        })
        expect(sent.status).toBe(200)
      }
      const log = chat.getByRole('log')
      await expect(log).toContainText('Point 14 of the answer')
      // An agent writing has the chat: the widget no longer says the visitor waits in the queue.
      await expect(chat.getByText(/in the queue/i)).toBeHidden()
      expect(await log.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true)
      await expectAccessible(visitor, 'chatting, accepted lost, long answer')
      await setFaults(stack, { lostTriggers: [] })
    })

    test('the widget has no accessibility violation when no agent can chat', async ({
      openSite,
    }) => {
      const page = await openSite(`?hours=${encodeURIComponent(`${anotherDay()} 09:00-18:00`)}`)
      await inTheme(page, theme)
      await page.getByRole('button', { name: 'Open chat' }).click()
      const chat = page.getByRole('dialog', { name: 'Chat with us' })
      await expect(chat.getByRole('form', { name: 'Leave a message' })).toBeVisible()
      await expectAccessible(page, 'unavailable')
      // The form's problems by their fields.
      await chat.getByRole('button', { name: 'Send message' }).click()
      await expect(chat.getByRole('textbox', { name: 'Email' })).toHaveAttribute(
        'aria-invalid',
        'true',
      )
      await expectAccessible(page, 'unavailable, with problems')
    })

    test('the widget has no accessibility violation when no agent is free, and after a message is left', async ({
      visitor,
      agent,
    }) => {
      await inTheme(visitor, theme)
      const chat = await startChat(visitor, 'Anyone free?')
      await interactionWith(agent, 'Anyone free?')
        .getByRole('button', { name: 'Unavailable' })
        .click()
      await expect(chat.getByText('No agents are available right now.')).toBeVisible()
      await expect(chat.getByRole('form', { name: 'Leave a message' })).toBeVisible()
      await expectAccessible(visitor, 'unavailable (no agents)')
      const form = chat.getByRole('form', { name: 'Leave a message' })
      await form.getByRole('textbox', { name: 'Email' }).fill('ana@example.com')
      await form.getByRole('button', { name: 'Send message' }).click()
      await expect(
        chat.getByText("Thanks — we'll reply by e-mail to ana@example.com"),
      ).toBeVisible()
      await expectAccessible(visitor, 'message left')
    })

    test('the choice of department and channel has no accessibility violation, with its problems, nor once answered on WhatsApp', async ({
      openSite,
    }) => {
      // Not the snippet's data-department (1), which would come chosen.
      const departments = JSON.stringify([
        { id: 2, label: 'Sales' },
        { id: 3, label: 'Billing', hours: `${anotherDay()} 09:00-18:00` },
      ])
      const page = await openSite(
        `?${new URLSearchParams({ departments, channels: 'web,whatsapp' })}`,
      )
      await inTheme(page, theme)
      await page.getByRole('button', { name: 'Open chat' }).click()
      const chat = page.getByRole('dialog', { name: 'Chat with us' })
      await expect(chat.getByRole('radio', { name: /Billing \(closed now/ })).toBeDisabled()
      await expectAccessible(page, 'choice')

      await chat.getByRole('radio', { name: 'Continue on WhatsApp' }).check()
      await send(chat, 'Where is my order?')
      await expect(chat.getByRole('alert')).toHaveCount(2)
      await expectAccessible(page, 'choice, with problems')

      await chat.getByRole('radio', { name: 'Sales' }).check()
      await chat.getByRole('textbox', { name: 'Your WhatsApp number' }).fill('11991417777')
      await chat.getByRole('button', { name: 'Send' }).click()
      await expect(chat.getByText("We'll answer on your WhatsApp +55 11 99141-7777.")).toBeVisible()
      await expectAccessible(page, 'answered on WhatsApp')
    })

    test('on a phone the full-screen chat has no accessibility violation, and the page behind is inert until it closes', async ({
      phone: page,
    }) => {
      const pageInert = () => page.evaluate(() => document.body.inert)
      await inTheme(page, theme)
      await expectAccessible(page, 'phone, closed')

      await page.getByRole('button', { name: 'Open chat' }).click()
      const chat = page.getByRole('dialog', { name: 'Chat with us' })
      await expect(chat).toHaveAttribute('aria-modal', 'true')
      await expect.poll(pageInert).toBe(true)
      // Nothing of the page is left to Tab: focus cannot leave the chat for the page's links.
      await page.evaluate(() => document.querySelector<HTMLElement>('body a, body button')?.focus())
      expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-zchat'))).toBe(
        true,
      )
      await expectAccessible(page, 'phone, pre-chat')

      const started = await startChatOn(page)
      await expect(started.getByText(/number 1 in the queue/i)).toBeVisible()
      await expectAccessible(page, 'phone, queued')

      await chat.getByRole('button', { name: 'Minimize' }).click()
      await expect(chat).toBeHidden()
      expect(await pageInert()).toBe(false)
      expect(await page.evaluate(() => document.querySelectorAll('[inert]').length)).toBe(0)
    })
  })
}

async function startChatOn(page: Page) {
  const chat = page.getByRole('dialog', { name: 'Chat with us' })
  await send(chat, 'From my phone')
  return chat
}
