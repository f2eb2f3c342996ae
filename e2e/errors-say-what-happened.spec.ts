import { expect, interactionWith, send, startChat, test } from './fixtures.ts'

test('a visitor who goes offline is told so, and the message goes when they are back', async ({
  visitor,
  agent,
}) => {
  const chat = await startChat(visitor, 'Before the tunnel')
  await expect(chat.getByText(/number 1 in the queue/i)).toBeVisible()
  await visitor.context().setOffline(true)
  await send(chat, 'In the tunnel')
  await expect(chat.getByRole('alert')).toHaveText(
    'You are offline; we will send when you are back.',
  )
  await expect(chat.getByRole('log')).toContainText('Not sent')
  await expect(chat.getByRole('log')).not.toContainText('Sending…')

  await visitor.context().setOffline(false)
  await expect(chat.getByRole('alert')).toBeHidden()
  const card = interactionWith(agent, 'Before the tunnel')
  await expect(card.getByRole('list', { name: 'Messages' })).toContainText('In the tunnel')
})

test('a server failure shows "Not sent" with Retry, never "Sending…" for ever', async ({
  visitor,
  agent,
}) => {
  const chat = await startChat(visitor, 'First, fine')
  await expect(chat.getByText(/number 1 in the queue/i)).toBeVisible()
  // The proxy answers 502 to every message for a while, as when zChat is down.
  await visitor.route('**/messages', (route) =>
    route.fulfill({
      status: 502,
      contentType: 'application/json',
      body: JSON.stringify({ code: 'UPSTREAM_ERROR', message: 'zChat failed' }),
    }),
  )
  await send(chat, 'While zChat is down')
  await expect(chat.getByRole('alert')).toHaveText('Could not send. Retry.', { timeout: 15_000 })
  await expect(chat.getByRole('log')).toContainText('Not sent')

  await visitor.unroute('**/messages')
  await chat.getByRole('button', { name: 'Retry' }).click()
  await expect(chat.getByRole('log')).toContainText('Sent')
  await expect(chat.getByRole('alert')).toBeHidden()
  const card = interactionWith(agent, 'First, fine')
  await expect(card.getByRole('list', { name: 'Messages' })).toContainText('While zChat is down')
})

test('cancelling "End chat" puts the visitor back in the message box', async ({ visitor }) => {
  const chat = await startChat(visitor, 'Maybe I will end this')
  await chat.getByRole('button', { name: 'End chat' }).click()
  await chat.getByRole('button', { name: 'Cancel' }).click()
  await expect(chat.getByRole('textbox', { name: 'Message' })).toBeFocused()
  await chat.getByRole('button', { name: 'End chat' }).click()
  await visitor.keyboard.press('Escape')
  await expect(chat.getByRole('textbox', { name: 'Message' })).toBeFocused()
  await expect(chat).toBeVisible()
})

test('an Escape pressed the instant "End chat" is clicked cancels the question, before the next frame', async ({
  visitor,
}) => {
  const chat = await startChat(visitor, 'Quick fingers')
  await chat.getByRole('button', { name: 'End chat' }).click()
  await chat.getByRole('button', { name: 'Cancel' }).click()
  // The click's render has happened (in a microtask) but no frame has been painted: a key pressed now
  // goes to whatever has focus, which must be inside the window, not the page's <body>.
  const focusedAfterRender = await visitor.evaluate(async () => {
    const root = document.querySelector('[data-zchat]')?.shadowRoot ?? null
    const end = [...(root?.querySelectorAll('button') ?? [])].find(
      (b) => b.textContent === 'End chat',
    )
    end?.focus() // as the pointer's press does, before the click
    end?.click()
    for (let i = 0; i < 5; i++) await Promise.resolve()
    const target = root?.activeElement ?? document.activeElement ?? document.body
    target.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    )
    return root?.activeElement?.id ?? null
  })
  expect(focusedAfterRender).toBe('zc-message')
  await expect(chat.getByRole('group', { name: 'End this chat?' })).toBeHidden()
  await expect(chat.getByRole('textbox', { name: 'Message' })).toBeFocused()
  await expect(chat).toBeVisible()
})
