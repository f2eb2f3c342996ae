/**
 * A site with several departments lets the visitor choose one (data-departments), and may let them
 * be answered on WhatsApp (data-channels): stories on a Brazilian page, checked in what zChat (the
 * emulator) recorded and what its agent console shows.
 */
import { anotherDay, expect, interactionWith, type OpenSite, test } from './fixtures.ts'

type Recorded = {
  hash: string
  state: string
  departmentId: number
  mediaType: string
  customer: Record<string, unknown>
  messages: Array<{ content: string }>
}

/** What zChat recorded for the conversation in which the visitor wrote `text`. */
async function recorded(emulatorUrl: string, text: string): Promise<Recorded> {
  let found: Recorded | undefined
  await expect
    .poll(async () => {
      const all = (await (await fetch(`${emulatorUrl}/control/interactions`)).json()) as Recorded[]
      found = all.find((i) => i.messages.some((m) => m.content === text))
      return found !== undefined
    })
    .toBe(true)
  return found!
}

/** The shop's page in Portuguese, with snippet options. */
async function openChat(openSite: OpenSite, options: Record<string, string>) {
  const page = await openSite(`?${new URLSearchParams({ 'page-lang': 'pt-BR', ...options })}`)
  await page.getByRole('button', { name: 'Abrir chat' }).click()
  return page.getByRole('dialog', { name: 'Fale conosco' })
}

const departments = JSON.stringify([
  { id: 2, label: 'Vendas' },
  { id: 3, label: 'Suporte técnico' },
])

test('the visitor chooses a department, and zChat gets the conversation in it', async ({
  openSite,
  stack,
}) => {
  const chat = await openChat(openSite, { departments })
  const choice = chat.getByRole('group', { name: 'Com quem você quer falar?' })
  await expect(choice.getByRole('radio')).toHaveCount(2)
  await chat.getByRole('textbox', { name: 'Mensagem' }).fill('Minha fatura veio errada')
  await chat.getByRole('button', { name: 'Enviar' }).click()
  // Nothing starts before a department is chosen: the visitor is told, by the group.
  await expect(chat.getByRole('alert')).toHaveText('Escolha com quem você quer falar.')
  await expect(choice.getByRole('radio', { name: 'Vendas' })).toBeFocused()

  await choice.getByRole('radio', { name: 'Suporte técnico' }).check()
  await chat.getByRole('button', { name: 'Enviar' }).click()
  await expect(chat.getByText('Você é o número 1 na fila')).toBeVisible()
  expect((await recorded(stack.emulator.url, 'Minha fatura veio errada')).departmentId).toBe(3)
})

test('a department closed now cannot be chosen; with every one closed, the visitor leaves a message', async ({
  openSite,
}) => {
  const closedToday = `${anotherDay()} 09:00-18:00`
  const some = await openChat(openSite, {
    departments: JSON.stringify([
      { id: 2, label: 'Vendas' },
      { id: 3, label: 'Financeiro', hours: closedToday },
    ]),
  })
  await expect(some.getByRole('radio', { name: /^Financeiro \(fechado agora · / })).toBeDisabled()
  await expect(some.getByRole('radio', { name: 'Vendas' })).toBeEnabled()

  const all = await openChat(openSite, {
    departments: JSON.stringify([
      { id: 2, label: 'Vendas', hours: closedToday },
      { id: 3, label: 'Financeiro', hours: closedToday },
    ]),
  })
  await expect(all.getByText(/Vendas: .*; Financeiro: /)).toBeVisible()
  await expect(all.getByRole('form', { name: 'Deixar uma mensagem' })).toBeVisible()
})

test('"Continuar no WhatsApp" starts the interaction on WhatsApp at the phone given, and the window says so', async ({
  openSite,
  agent,
  stack,
}) => {
  const chat = await openChat(openSite, { channels: 'web,whatsapp' })
  const where = chat.getByRole('group', { name: 'Onde devemos responder?' })
  await expect(where.getByRole('radio', { name: 'Aqui no chat' })).toBeChecked()
  await where.getByRole('radio', { name: 'Continuar no WhatsApp' }).check()
  await chat.getByRole('textbox', { name: 'Seu número de WhatsApp' }).fill('(11) 99141-7777')
  await chat.getByRole('textbox', { name: 'Mensagem' }).fill('Quero a segunda via do boleto')
  await chat.getByRole('button', { name: 'Enviar' }).click()

  await expect(chat.getByRole('status').filter({ hasText: 'WhatsApp' })).toHaveText(
    'Vamos responder no seu WhatsApp +55 11 99141-7777.',
  )
  // What was sent stays in the window; there is nothing more to write here.
  await expect(chat.getByRole('log', { name: 'Mensagens' })).toContainText(
    'Quero a segunda via do boleto',
  )
  await expect(chat.getByRole('textbox', { name: 'Mensagem' })).toHaveCount(0)
  const interaction = await recorded(stack.emulator.url, 'Quero a segunda via do boleto')
  expect(interaction).toMatchObject({ mediaType: 'WHATSAPP', customer: { phone: '11991417777' } })

  // The agent sees where the answer goes; zChat's states still reach the window.
  const card = interactionWith(agent, 'Quero a segunda via do boleto')
  await expect(card).toContainText('Channel: WhatsApp at 11991417777')
  await card.getByRole('button', { name: 'Accept' }).click()
  await expect(chat.getByText(/entrou na conversa/)).toBeVisible()

  // Back to the web chat: the WhatsApp interaction ends, and the form is here again.
  await chat.getByRole('button', { name: 'Conversar aqui no chat' }).click()
  await expect(where.getByRole('radio', { name: 'Aqui no chat' })).toBeChecked()
  await expect(chat.getByRole('textbox', { name: 'Mensagem' })).toBeVisible()
  await expect
    .poll(async () => (await recorded(stack.emulator.url, 'Quero a segunda via do boleto')).state)
    .toBe('finished')
})
