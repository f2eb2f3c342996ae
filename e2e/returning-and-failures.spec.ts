import { expect, interactionWith, reply, send, setFaults, startChat, test } from './fixtures.ts'

test('the page opens the chat through the JS API and hears agent messages', async ({
  visitor,
  agent,
}) => {
  await visitor.evaluate(() => {
    const w = window as unknown as { zchat: (...args: unknown[]) => void; heard: string[] }
    w.heard = []
    w.zchat('on', 'message', (message: { text: string }) => w.heard.push(message.text))
  })
  await visitor.getByRole('button', { name: 'Talk to us' }).click()
  const chat = visitor.getByRole('dialog', { name: 'Chat with us' })
  await send(chat, 'Opened from the page')
  const card = interactionWith(agent, 'Opened from the page')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Heard by the page too')
  await expect(chat.getByRole('log')).toContainText('Heard by the page too')
  await expect
    .poll(() => visitor.evaluate(() => (window as unknown as { heard: string[] }).heard))
    .toEqual(['Heard by the page too'])
})

test("a returning visitor's earlier conversation is shown to the agent", async ({
  visitor,
  agent,
}) => {
  const chat = await startChat(visitor, 'My tent pole broke')
  const first = interactionWith(agent, 'My tent pole broke')
  await first.getByRole('button', { name: 'Accept' }).click()
  await reply(first, 'We will send a new one')
  await first.getByRole('button', { name: 'Finish' }).click()
  await expect(chat.getByText('The chat has ended')).toBeVisible()

  await chat.getByRole('button', { name: 'Start a new chat' }).click()
  await send(chat, 'Following up on the pole')
  const second = interactionWith(agent, 'Following up on the pole')
  const history = second.getByRole('list', { name: 'Earlier history' })
  await expect(history).toContainText('My tent pole broke')
  await expect(history).toContainText('We will send a new one')
})

test('when zChat is down the visitor is told, and trying again loses nothing', async ({
  visitor,
  agent,
  stack,
}) => {
  await setFaults(stack, { failNext: { status: 503, count: 50 } })
  const chat = await startChat(visitor, 'Hello while zChat is down')
  await expect(chat.getByRole('alert')).toBeVisible()
  await expect(interactionWith(agent, 'Hello while zChat is down')).toHaveCount(0)

  await setFaults(stack, { failNext: null })
  await chat.getByRole('button', { name: 'Try again' }).click()
  const card = interactionWith(agent, 'Hello while zChat is down')
  await expect(card).toBeVisible()
  await expect(
    card.getByRole('list', { name: 'Messages' }).getByText('Hello while zChat is down'),
  ).toHaveCount(1)
})
