import { expect, recordedInteraction, send, signedIdentity, test } from './fixtures.ts'

test("the site's pre-chat fields reach zChat as the customer; an invalid CPF is refused before anything starts", async ({
  openSite,
  stack,
}) => {
  const visitor = await openSite(`?prechat=${encodeURIComponent('name*,cpf*,phone')}`)
  await visitor.getByRole('button', { name: 'Open chat' }).click()
  const chat = visitor.getByRole('dialog', { name: 'Chat with us' })
  await chat.getByRole('textbox', { name: 'Name' }).fill('Ana Souza')
  await chat.getByRole('textbox', { name: 'CPF' }).fill('111.111.111-11')
  await chat.getByRole('textbox', { name: 'Phone' }).fill('(11) 99141-7777')
  await send(chat, 'Is my order on its way?')
  await expect(chat.getByRole('alert').filter({ hasText: 'This CPF is not valid' })).toBeVisible()
  await expect(chat.getByRole('textbox', { name: 'CPF' })).toBeFocused()

  await chat.getByRole('textbox', { name: 'CPF' }).fill('529.982.247-25')
  await chat.getByRole('button', { name: 'Send', exact: true }).click()
  const recorded = await recordedInteraction(stack, 'Is my order on its way?')
  expect(recorded.customer).toEqual({ name: 'Ana Souza', cpf: '52998224725', phone: '11991417777' })
  // Nothing was created for the refused attempt: one interaction only.
  const all = (await (
    await fetch(`${stack.emulator.url}/control/interactions`)
  ).json()) as unknown[]
  expect(all).toHaveLength(1)
})

test("a signed identity's customer key and tags reach zChat; an unsigned one is refused", async ({
  openSite,
  stack,
}) => {
  const visitor = await openSite()
  // What the site's server would render into the page for its logged-in customer.
  const signed = signedIdentity(stack, {
    customerKey: 'crm-42',
    tagIds: ['10'],
    name: 'Ana Souza',
  })
  await visitor.evaluate((identity) => {
    ;(window as unknown as { zchat: (...args: unknown[]) => void }).zchat('identify', { identity })
  }, signed)
  await visitor.getByRole('button', { name: 'Open chat' }).click()
  const chat = visitor.getByRole('dialog', { name: 'Chat with us' })
  await send(chat, 'Where is order 42?')
  const recorded = await recordedInteraction(stack, 'Where is order 42?')
  expect(recorded.customer).toMatchObject({ name: 'Ana Souza' })
  await expect
    .poll(async () => (await recordedInteraction(stack, 'Where is order 42?')).customerKey)
    .toBe('crm-42')
  expect((await recordedInteraction(stack, 'Where is order 42?')).tagIds).toEqual(['10'])

  // The same payload without its signature: the visitor is told, and zChat hears nothing.
  const other = await openSite()
  await other.evaluate((payload) => {
    ;(window as unknown as { zchat: (...args: unknown[]) => void }).zchat('identify', {
      identity: { payload },
    })
  }, signed.payload)
  await other.getByRole('button', { name: 'Open chat' }).click()
  const otherChat = other.getByRole('dialog', { name: 'Chat with us' })
  await send(otherChat, 'I am crm-42 too')
  await expect(otherChat.getByText("Sorry, we couldn't start the chat.")).toBeVisible()
  const all = (await (await fetch(`${stack.emulator.url}/control/interactions`)).json()) as Array<{
    messages: Array<{ content: string }>
  }>
  expect(all.some((i) => i.messages.some((m) => m.content === 'I am crm-42 too'))).toBe(false)
})

test("a signed-in customer's second chat on one page: the site's function signs a fresh identity for each", async ({
  openSite,
  stack,
  agent,
}) => {
  const visitor = await openSite()
  // The site's server, reached by the page's own fetch in a real site: one identity per call.
  let signed = 0
  await visitor.exposeFunction('signForChat', () => {
    signed++
    return signedIdentity(stack, { customerKey: 'crm-7', name: 'Ana Souza' })
  })
  await visitor.evaluate(() => {
    const page = window as unknown as {
      zchat: (...args: unknown[]) => void
      signForChat: () => Promise<unknown>
    }
    page.zchat('identify', { identity: () => page.signForChat() })
  })
  await visitor.getByRole('button', { name: 'Open chat' }).click()
  const chat = visitor.getByRole('dialog', { name: 'Chat with us' })
  // The identity's details fill the form.
  await expect(chat.getByRole('textbox', { name: 'Name' })).toHaveValue('Ana Souza')
  await send(chat, 'First question')
  const card = agent.getByRole('article').filter({ hasText: 'First question' })
  await card.getByRole('button', { name: 'Accept' }).click()
  await card.getByRole('button', { name: 'Finish' }).click()
  await chat.getByRole('button', { name: 'Start a new chat' }).click()
  await send(chat, 'Second question')
  await expect(chat.getByRole('log')).toContainText('Second question')
  for (const text of ['First question', 'Second question'])
    await expect
      .poll(async () => (await recordedInteraction(stack, text)).customerKey)
      .toBe('crm-7')
  // Asked when the chat opened, then before each of the two conversations.
  expect(signed).toBe(3)
})
