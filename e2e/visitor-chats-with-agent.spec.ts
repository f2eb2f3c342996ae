import { expect, interactionWith, reply, startChat, test } from './fixtures.ts'

test('a visitor chats with an agent, live, from the first message to the rating', async ({
  visitor,
  agent,
}) => {
  const chat = await startChat(visitor, 'Hi, do you ship to Lisbon?')
  await expect(chat.getByText(/number 1 in the queue/i)).toBeVisible()

  const card = interactionWith(agent, 'Hi, do you ship to Lisbon?')
  await expect(card).toContainText('Queued')
  await card.getByRole('button', { name: 'Accept' }).click()
  await expect(chat.getByText(/joined the chat/)).toBeVisible()

  await card.getByRole('button', { name: 'Start typing' }).click()
  await expect(chat.getByText('Agent is typing…')).toBeVisible()
  await reply(card, 'Yes! Delivery takes 3 days.')
  await expect(chat.getByRole('log')).toContainText('Yes! Delivery takes 3 days.')
  await expect(chat.getByText('Agent is typing…')).toBeHidden()

  await chat.getByRole('textbox', { name: 'Message' }).fill('Great, thanks')
  await expect(card).toContainText('Visitor is typing')
  await chat.getByRole('button', { name: 'Send' }).click()
  await expect(card.getByRole('list', { name: 'Messages' })).toContainText('Great, thanks')

  await card.getByRole('button', { name: 'Finish' }).click()
  await expect(chat.getByText('The chat has ended')).toBeVisible()
  await chat.getByRole('button', { name: 'Good' }).click()
  await chat.getByRole('button', { name: 'Send rating' }).click()
  await expect(chat.getByText('Thanks for your feedback')).toBeVisible()
  await expect(card).toContainText('POSITIVE')
})

test('a visitor sees the conversation again after reloading the page', async ({
  visitor,
  agent,
}) => {
  const chat = await startChat(visitor, 'Before the reload')
  const card = interactionWith(agent, 'Before the reload')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Agent answer before the reload')
  await expect(chat.getByRole('log')).toContainText('Agent answer before the reload')

  await visitor.reload()
  await expect(chat.getByRole('log')).toContainText('Before the reload')
  await expect(chat.getByRole('log')).toContainText('Agent answer before the reload')
  await reply(card, 'And after it')
  await expect(chat.getByRole('log')).toContainText('And after it')
})

test('a visitor is told when no agent is available', async ({ visitor, agent }) => {
  const chat = await startChat(visitor, 'Anyone there at night?')
  await interactionWith(agent, 'Anyone there at night?')
    .getByRole('button', { name: 'Unavailable' })
    .click()
  await expect(chat.getByText(/No agents are available right now/)).toBeVisible()
})

test('a visitor ends the chat and the agent sees it finished', async ({ visitor, agent }) => {
  const chat = await startChat(visitor, 'I will end this myself')
  const card = interactionWith(agent, 'I will end this myself')
  await card.getByRole('button', { name: 'Accept' }).click()
  await expect(chat.getByText(/joined the chat/)).toBeVisible()
  await chat.getByRole('button', { name: 'End chat' }).click()
  // The widget asks for confirmation before ending.
  const confirm = chat.getByRole('button', { name: /^(End chat|Yes, end chat|End)$/ }).last()
  await confirm.click()
  await expect(chat.getByText('The chat has ended')).toBeVisible()
  await expect(card).toContainText('Finished')
})

test('the agent sends a picture and the visitor sees it', async ({ visitor, agent, stack }) => {
  const chat = await startChat(visitor, 'Show me the tent')
  const card = interactionWith(agent, 'Show me the tent')
  await card.getByRole('button', { name: 'Accept' }).click()
  await card.getByRole('textbox', { name: 'Reply' }).fill('Here it is')
  await card.getByRole('textbox', { name: 'Media URL' }).fill(`${stack.demoUrl}tent.png`)
  await card.getByRole('combobox', { name: 'Media type' }).selectOption('image')
  await card.getByRole('button', { name: 'Send' }).click()
  await expect(chat.getByRole('log').getByRole('img')).toHaveAttribute(
    'src',
    `${stack.demoUrl}tent.png`,
  )
})
