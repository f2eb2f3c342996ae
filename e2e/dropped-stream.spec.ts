import { expect, interactionWith, reply, setFaults, startChat, test } from './fixtures.ts'

test('a dropped event stream loses and duplicates nothing', async ({ visitor, agent, stack }) => {
  const chat = await startChat(visitor, 'My connection is flaky')
  const card = interactionWith(agent, 'My connection is flaky')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Reply 1')
  const log = chat.getByRole('log')
  await expect(log).toContainText('Reply 1')

  // Cut the stream server-side and keep the widget from reconnecting while the agent goes on.
  await visitor.route('**/events', (route) => route.abort('internetdisconnected'))
  stack.proxy.app.server.closeAllConnections()
  for (const n of [2, 3, 4]) {
    await reply(card, `Reply ${n}`)
    await expect(card.getByRole('list', { name: 'Messages' })).toContainText(`Reply ${n}`)
  }
  await visitor.unroute('**/events')

  await expect(log).toContainText('Reply 4', { timeout: 30_000 })
  for (const n of [1, 2, 3, 4])
    await expect(log.getByText(`Reply ${n}`, { exact: true })).toHaveCount(1)
  await expect(log.getByText('My connection is flaky', { exact: true })).toHaveCount(1)
  const order = (await log.textContent()) ?? ''
  expect(order.indexOf('Reply 1')).toBeLessThan(order.indexOf('Reply 2'))
  expect(order.indexOf('Reply 3')).toBeLessThan(order.indexOf('Reply 4'))
})

test('triggers that zChat delivers twice show once', async ({ visitor, agent, stack }) => {
  await setFaults(stack, { duplicateWebhooks: true })
  const chat = await startChat(visitor, 'Say it only once')
  const card = interactionWith(agent, 'Say it only once')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Said once')
  await reply(card, 'Said twice?')
  const log = chat.getByRole('log')
  await expect(log).toContainText('Said twice?')
  await expect(log.getByText('Said once', { exact: true })).toHaveCount(1)
  await expect(log.getByText('Said twice?', { exact: true })).toHaveCount(1)
  await expect(log.getByText(/joined the chat/)).toHaveCount(1)
})
