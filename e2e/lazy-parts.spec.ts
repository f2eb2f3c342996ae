import { expect, interactionWith, startChat, test } from './fixtures.ts'

test('a part of the chat that could not be fetched says so, and Try again brings it', async ({
  visitor,
  agent,
}) => {
  // The end of a chat (rating) is its own chunk, fetched once the visitor is in the queue: the
  // network drops exactly that request until the visitor asks again.
  let failing = true
  let fetches = 0
  await visitor.route('**/ending-part-*.js', (route) => {
    fetches++
    return failing ? route.abort() : route.continue()
  })
  const chat = await startChat(visitor, 'Will the rating load?')
  await expect(chat.getByText(/number 1 in the queue/i)).toBeVisible()
  const card = interactionWith(agent, 'Will the rating load?')
  await card.getByRole('button', { name: 'Accept' }).click()
  await expect(chat.getByText(/joined the chat/)).toBeVisible()
  await card.getByRole('button', { name: 'Finish' }).click()

  await expect(chat.getByRole('alert')).toContainText("This part of the chat didn't load.")
  // Asked again at each step (in the queue, chatting, ended), never in a loop.
  expect(fetches).toBeLessThanOrEqual(3)
  failing = false
  await chat.getByRole('button', { name: 'Try again' }).click()
  await expect(chat.getByText('The chat has ended')).toBeVisible()
  await chat.getByRole('button', { name: 'Good' }).click()
  await chat.getByRole('button', { name: 'Send rating' }).click()
  await expect(chat.getByText('Thanks for your feedback')).toBeVisible()
  await expect(card).toContainText('POSITIVE')
})

test('the leave-a-message form that could not be fetched says so, and Try again brings it', async ({
  visitor,
  agent,
}) => {
  let failing = true
  await visitor.route('**/unavailable-part-*.js', (route) =>
    failing ? route.abort() : route.continue(),
  )
  const chat = await startChat(visitor, 'Anyone there at night?')
  await interactionWith(agent, 'Anyone there at night?')
    .getByRole('button', { name: 'Unavailable' })
    .click()
  await expect(chat.getByRole('alert')).toContainText("This part of the chat didn't load.")
  failing = false
  await chat.getByRole('button', { name: 'Try again' }).click()
  await expect(chat.getByText(/No agents are available right now/)).toBeVisible()
})
