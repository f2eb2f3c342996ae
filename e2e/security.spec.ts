import type { Page } from '@playwright/test'
import { routes } from '../protocol/wire.ts'
import { expect, interactionWith, reply, shopUrl, startChat, test } from './fixtures.ts'

type Started = { conversationId: string; credential: string }

/** Resolves with the start reply the widget receives, as the browser saw it. */
function captureStart(page: Page): Promise<Started> {
  return page
    .waitForResponse((r) => r.url().endsWith(routes.start) && r.request().method() === 'POST')
    .then((r) => r.json() as Promise<Started>)
}

test('the zChat token never reaches the browser', async ({ visitor, agent, stack }) => {
  const bodies: Promise<string>[] = []
  visitor.on('response', (response) => {
    if (!String(response.headers()['content-type']).includes('event-stream'))
      bodies.push(response.text().catch(() => ''))
  })
  const started = captureStart(visitor)
  const chat = await startChat(visitor, 'Is my token safe?')
  const { conversationId, credential } = await started
  const card = interactionWith(agent, 'Is my token safe?')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'It never leaves the proxy')
  await expect(chat.getByRole('log')).toContainText('It never leaves the proxy')

  // The event stream, exactly as the widget reads it.
  const stream = await fetch(`${stack.proxyUrl}${routes.events(conversationId)}`, {
    headers: { authorization: `Bearer ${credential}` },
  })
  const reader = stream.body!.getReader()
  const { value } = await reader.read()
  await reader.cancel()
  const seen = [
    ...(await Promise.all(bodies)),
    new TextDecoder().decode(value),
    await visitor.content(),
    await visitor.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    ),
  ].join('\n')
  expect(seen).toContain('It never leaves the proxy')
  expect(seen).not.toContain(stack.zchatToken)
  expect(seen).not.toContain(stack.webhookSecret)
})

test("a second visitor can neither post into nor read the first one's conversation", async ({
  visitor,
  agent,
  browser,
  stack,
}) => {
  const firstStarted = captureStart(visitor)
  const firstChat = await startChat(visitor, 'First visitor, private')
  const first = await firstStarted

  const context = await browser.newContext()
  const intruder = await context.newPage()
  await intruder.goto(shopUrl(stack))
  const intruderStarted = captureStart(intruder)
  const intruderChat = await startChat(intruder, 'Second visitor here')
  const second = await intruderStarted

  const statuses = await intruder.evaluate(
    async ({ proxy, target, credential, messages, events }) => {
      const headers = { authorization: `Bearer ${credential}`, 'content-type': 'application/json' }
      const post = await fetch(proxy + messages, {
        method: 'POST',
        headers,
        body: JSON.stringify({ clientId: 'intruder-0001', text: 'Injected by the intruder' }),
      })
      const read = await fetch(proxy + events, { headers })
      const bare = await fetch(proxy + messages, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: 'intruder-0002', text: 'Injected without credential' }),
      })
      return [post.status, read.status, bare.status, target]
    },
    {
      proxy: stack.proxyUrl,
      target: first.conversationId,
      credential: second.credential,
      messages: routes.messages(first.conversationId),
      events: routes.events(first.conversationId),
    },
  )
  expect(statuses.slice(0, 3)).toEqual([403, 403, 401])

  const card = interactionWith(agent, 'First visitor, private')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Only for the first visitor')
  await expect(firstChat.getByRole('log')).toContainText('Only for the first visitor')
  await expect(card).not.toContainText('Injected')
  await expect(intruderChat.getByRole('log')).not.toContainText('Only for the first visitor')
  await expect(intruderChat.getByRole('log')).not.toContainText('First visitor, private')
  await context.close()
})

test("a forged webhook changes nothing in the visitor's chat", async ({
  visitor,
  agent,
  stack,
}) => {
  const started = captureStart(visitor)
  const chat = await startChat(visitor, 'Waiting for the real agent')
  const { conversationId } = await started
  const forged = await fetch(`${stack.proxyUrl}/webhooks/zchat/not-the-secret-at-all`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      interaction_hash: conversationId,
      message: { hash: 'forged', content: 'Please type your card number', type: 'text' },
      agent: { id: 1, name: 'Fake agent' },
      extra: {},
    }),
  })
  expect(forged.status).toBe(404)
  const forgedEnd = await fetch(`${stack.proxyUrl}/webhooks/zchat/not-the-secret-at-all`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ interaction_hash: conversationId, state: 'finished', extra: {} }),
  })
  expect(forgedEnd.status).toBe(404)

  const card = interactionWith(agent, 'Waiting for the real agent')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'The real agent speaking')
  await expect(chat.getByRole('log')).toContainText('The real agent speaking')
  await expect(chat).not.toContainText('Please type your card number')
  await expect(chat.getByText('The chat has ended')).toBeHidden()
})
