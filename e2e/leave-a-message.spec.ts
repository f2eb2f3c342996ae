import { anotherDay, expect, interactionWith, startChat, test } from './fixtures.ts'

test('when no agent is available the visitor leaves a message, and the site receives it signed', async ({
  visitor,
  agent,
  stack,
}) => {
  const chat = await startChat(visitor, 'Do you ship to Recife?')
  await interactionWith(agent, 'Do you ship to Recife?')
    .getByRole('button', { name: 'Unavailable' })
    .click()
  await expect(chat.getByText('No agents are available right now.')).toBeVisible()
  const form = chat.getByRole('form', { name: 'Leave a message' })
  await form.getByRole('textbox', { name: 'Email' }).fill('ana@example.com')
  await form
    .getByRole('textbox', { name: 'Message', exact: true })
    .fill('Please tell me about Recife')
  await form.getByRole('button', { name: 'Send message' }).click()
  await expect(chat.getByText("Thanks — we'll reply by e-mail to ana@example.com")).toBeVisible()

  // The demo website is the site here: it checked the signature and lists what arrived.
  const inbox = await visitor.context().newPage()
  await inbox.goto(stack.leftMessagesUrl!)
  // The stack is shared by a worker's stories: other messages may be in the inbox too.
  await expect(
    inbox.getByRole('listitem').filter({ hasText: 'Please tell me about Recife' }),
  ).toContainText('ana@example.com')
})

test('outside opening hours the window offers a message instead of a chat', async ({
  openSite,
}) => {
  const page = await openSite(`?hours=${encodeURIComponent(`${anotherDay()} 09:00-18:00`)}`)
  await page.getByRole('button', { name: 'Open chat' }).click()
  const chat = page.getByRole('dialog', { name: 'Chat with us' })
  await expect(chat.getByText(/We're closed right now\. Our opening hours:/)).toBeVisible()
  await expect(chat.getByRole('form', { name: 'Leave a message' })).toBeVisible()
  await expect(chat.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible()
})
