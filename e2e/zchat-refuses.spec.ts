/**
 * What zChat refuses, as the visitor and the agent live it (docs/decisions/017-no-guess-ends-a-chat.md):
 * a refusal is never taken for the end of the chat, and every end leaves the visitor a next step.
 */
import { samplePng } from '../proxy/testing/harness.ts'
import {
  expect,
  interactionWith,
  recordedInteraction,
  reply,
  send,
  setFaults,
  startChat,
  test,
} from './fixtures.ts'

// The stack (and its emulator) is the worker's: the next story starts with zChat as documented.
test.afterEach(async ({ stack }) => {
  await setFaults(stack, { refuseMessageTypes: [], updatesAfterFinish: 'accept' })
})

/** zChat's own state for the interaction in which the visitor wrote `text`. */
async function zchatState(stack: { emulator: { url: string } }, text: string) {
  const { hash } = await recordedInteraction(stack, text)
  const response = await fetch(`${stack.emulator.url}/control/interactions/${hash}`)
  return ((await response.json()) as { state: string }).state
}

test('zChat refuses a picture while the chat goes on: the visitor sees it refused, writes again, and the agent answers', async ({
  visitor,
  agent,
  stack,
}) => {
  const chat = await startChat(visitor, 'My tent arrived torn')
  const card = interactionWith(agent, 'My tent arrived torn')
  await card.getByRole('button', { name: 'Accept' }).click()
  await expect(chat.getByText(/joined the chat/)).toBeVisible()
  await setFaults(stack, { refuseMessageTypes: ['image'] })

  const chooser = visitor.waitForEvent('filechooser')
  await chat.getByRole('button', { name: 'Attach a file' }).click()
  await (await chooser).setFiles({ name: 'tent.png', mimeType: 'image/png', buffer: samplePng() })
  await expect(chat.getByRole('group', { name: 'File to send' })).toBeVisible()
  await chat.getByRole('button', { name: 'Send', exact: true }).click()

  await expect(chat.getByRole('alert')).toHaveText(
    "The chat service didn't accept this message. You can write again.",
  )
  const log = chat.getByRole('log')
  await expect(log).toContainText('Not sent')
  await expect(log.getByRole('button', { name: 'Remove' })).toBeVisible()
  await expect(log.getByRole('button', { name: 'Retry' })).toHaveCount(0)

  await send(chat, 'One corner is torn off')
  await expect(card.getByRole('list', { name: 'Messages' })).toContainText('One corner is torn off')
  await reply(card, 'Sorry about that, a new one is on its way')
  await expect(log).toContainText('Sorry about that, a new one is on its way')
  await expect(chat.getByRole('alert')).toBeHidden()

  // Nobody ended anything: not zChat, not the agent's console, not the visitor's window.
  expect(await zchatState(stack, 'My tent arrived torn')).toBe('accepted')
  await expect(card).toContainText('Accepted')
  await expect(card).not.toContainText('Finished')
  await expect(chat.getByText('The chat has ended')).toHaveCount(0)
  await expect(chat.getByRole('textbox', { name: 'Message' })).toBeEditable()
  // The picture zChat would not take never reached it or the agent.
  const recorded = await recordedInteraction(stack, 'My tent arrived torn')
  expect(recorded.messages.map((m) => m.type)).not.toContain('image')
})

test('zChat says no agent is available after one had accepted: the visitor leaves a message, or starts a new chat, and both work', async ({
  visitor,
  agent,
  stack,
}) => {
  const chat = await startChat(visitor, 'Can I return opened boots?')
  const card = interactionWith(agent, 'Can I return opened boots?')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Let me check')
  await expect(chat.getByRole('log')).toContainText('Let me check')

  const { hash } = await recordedInteraction(stack, 'Can I return opened boots?')
  const unavailable = await fetch(
    `${stack.emulator.url}/control/interactions/${hash}/unavailable`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    },
  )
  expect(unavailable.status).toBe(200)

  // Not a chat whose every message would fail: the window says what happened and what can be done.
  await expect(chat.getByText('No agents are available right now.')).toBeVisible()
  await expect(chat.getByRole('button', { name: 'Send', exact: true })).toHaveCount(0)
  const form = chat.getByRole('form', { name: 'Leave a message' })
  await expect(form.getByRole('textbox', { name: 'Message', exact: true })).toHaveValue(
    'Can I return opened boots?',
  )
  await form.getByRole('textbox', { name: 'Email' }).fill('bia@example.com')
  await form
    .getByRole('textbox', { name: 'Message', exact: true })
    .fill('Can I return opened boots? Bought last week.')
  await form.getByRole('button', { name: 'Send message' }).click()
  await expect(chat.getByText("Thanks — we'll reply by e-mail to bia@example.com")).toBeVisible()

  await chat.getByRole('button', { name: 'Start a new chat' }).click()
  await send(chat, 'Trying again about the boots')
  await expect(
    interactionWith(agent, 'Trying again about the boots').getByRole('list', { name: 'Messages' }),
  ).toContainText('Trying again about the boots')
})

test('zChat refuses the rating after the agent finished: the visitor is told once, truthfully, and not asked again', async ({
  visitor,
  agent,
  stack,
}) => {
  const chat = await startChat(visitor, 'Thanks for the help earlier')
  const card = interactionWith(agent, 'Thanks for the help earlier')
  await card.getByRole('button', { name: 'Accept' }).click()
  await setFaults(stack, { updatesAfterFinish: 'refuse' })
  await card.getByRole('button', { name: 'Finish' }).click()
  await expect(chat.getByText('The chat has ended')).toBeVisible()

  await chat.getByRole('button', { name: 'Good' }).click()
  await chat.getByRole('button', { name: 'Send rating' }).click()
  await expect(chat.getByRole('alert')).toHaveText('Your rating could not be recorded.')
  await expect(chat.getByRole('button', { name: 'Send rating' })).toHaveCount(0)
  await expect(chat.getByRole('button', { name: 'Good' })).toHaveCount(0)
  await expect(chat.getByText('Thanks for your feedback')).toHaveCount(0)
  await expect(chat.getByRole('button', { name: 'Start a new chat' })).toBeVisible()
  expect((await recordedInteraction(stack, 'Thanks for the help earlier')).mood).toBeNull()
})
