import { expect, interactionWith, reply, startChat, test } from './fixtures.ts'

test('an agent message that arrives while the window is closed is counted on the launcher, and read out with it', async ({
  visitor,
  agent,
}) => {
  const chat = await startChat(visitor, 'I will close the window')
  const card = interactionWith(agent, 'I will close the window')
  await card.getByRole('button', { name: 'Accept' }).click()
  await expect(chat.getByText(/joined the chat/)).toBeVisible()
  await visitor.getByRole('button', { name: 'Close chat' }).click()
  await reply(card, 'Still there?')
  const launcher = visitor.getByRole('button', { name: 'Open chat' })
  // The count is the launcher's description (a hidden node it points at), so its name stays stable.
  await expect(launcher).toHaveAccessibleDescription('Unread messages: 1')
  await expect(launcher).toContainText('1')
  await launcher.click()
  await expect(chat.getByRole('log')).toContainText('Still there?')
  await expect(visitor.getByRole('button', { name: 'Close chat' })).toHaveAccessibleDescription('')
})
