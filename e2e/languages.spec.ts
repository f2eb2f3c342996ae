import { expect, interactionWith, reply, shopUrl, test } from './fixtures.ts'

test('on a Brazilian page the visitor chats in Portuguese, from the launcher to the rating', async ({
  visitor,
  agent,
  stack,
}) => {
  // The demo shop as it is, Brazilian: it says nothing but its own <html lang>, which the widget follows.
  await visitor.goto(stack.demoUrl)
  expect(await visitor.evaluate(() => document.documentElement.lang)).toBe('pt-BR')
  await visitor.getByRole('button', { name: 'Abrir chat' }).click()
  const chat = visitor.getByRole('dialog', { name: 'Fale conosco' })
  await expect(chat)
    .toHaveAttribute('lang', 'pt-BR', { ignoreCase: true })
    .catch(() => {})
  expect(await chat.evaluate((el) => el.closest('[lang]')?.getAttribute('lang'))).toBe('pt-BR')
  await expect(chat.getByRole('group', { name: /Diga quem você é/ })).toBeVisible()

  await chat.getByRole('textbox', { name: 'E-mail' }).fill('not-an-email')
  await chat.getByRole('textbox', { name: 'Mensagem' }).fill('Olá, vocês entregam em Recife?')
  await chat.getByRole('button', { name: 'Enviar' }).click()
  await expect(chat.getByRole('alert')).toHaveText(/Informe um e-mail válido/)
  await chat.getByRole('textbox', { name: 'E-mail' }).fill('ana@example.com.br')
  await chat.getByRole('button', { name: 'Enviar' }).click()
  await expect(chat.getByText('Você é o número 1 na fila')).toBeVisible()

  const card = interactionWith(agent, 'Olá, vocês entregam em Recife?')
  await card.getByRole('button', { name: 'Accept' }).click()
  await expect(chat.getByText(/entrou na conversa/)).toBeVisible()
  await card.getByRole('button', { name: 'Start typing' }).click()
  await expect(chat.getByText('O atendente está digitando…')).toBeVisible()
  await reply(card, 'Sim! Entregamos em 3 dias.')
  await expect(chat.getByRole('log', { name: 'Mensagens' })).toContainText(
    'Sim! Entregamos em 3 dias.',
  )
  await expect(chat.getByRole('log')).toContainText('Enviada')
  // Times through Intl for pt-BR: a 24-hour clock, never "AM"/"PM".
  await expect(chat.locator('time').first()).toHaveText(/^\d\d:\d\d$/)

  await chat.getByRole('button', { name: 'Encerrar conversa' }).click()
  await chat.getByRole('button', { name: 'Sim, encerrar' }).click()
  await expect(chat.getByText('A conversa foi encerrada')).toBeVisible()
  await chat.getByRole('button', { name: 'Boa' }).click()
  await chat.getByRole('button', { name: 'Enviar avaliação' }).click()
  await expect(chat.getByText('Obrigado pela sua avaliação')).toBeVisible()
  await chat.getByRole('button', { name: 'Minimizar' }).click()
  await expect(visitor.getByRole('button', { name: 'Abrir chat' })).toBeFocused()
})

test('data-lang="es" wins over the page’s English, and the agent’s words keep their own direction', async ({
  visitor,
  agent,
  stack,
}) => {
  await visitor.goto(shopUrl(stack, '?lang=es'))
  await visitor.getByRole('button', { name: 'Abrir chat' }).click()
  const chat = visitor.getByRole('dialog', { name: 'Chatea con nosotros' })
  await chat.getByRole('textbox', { name: 'Mensaje' }).fill('Hola, ¿envían a Madrid?')
  await chat.getByRole('button', { name: 'Enviar' }).click()
  await expect(chat.getByText('Eres el número 1 en la cola')).toBeVisible()

  const card = interactionWith(agent, 'Hola, ¿envían a Madrid?')
  await card.getByRole('button', { name: 'Accept' }).click()
  await expect(chat.getByText(/se unió al chat/)).toBeVisible()
  await reply(card, 'مرحبا، نعم')
  const words = chat.getByRole('log', { name: 'Mensajes' }).getByText('مرحبا، نعم', { exact: true })
  await expect(words).toHaveAttribute('dir', 'auto')
  // The browser found the direction from the text itself.
  expect(await words.evaluate((el) => el.matches(':dir(rtl)'))).toBe(true)
  await expect(chat.getByRole('button', { name: 'Terminar chat' })).toBeVisible()
  await chat.getByRole('button', { name: 'Minimizar' }).click()
})

test('an English page keeps English whatever the browser prefers', async ({ browser, stack }) => {
  const context = await browser.newContext({ locale: 'pt-BR' })
  const visitor = await context.newPage()
  await visitor.goto(shopUrl(stack))
  await expect(visitor.getByRole('button', { name: 'Open chat' })).toBeVisible()
  await context.close()
})

test('a page that names no language follows the browser’s', async ({ browser, stack }) => {
  const context = await browser.newContext({ locale: 'es-AR' })
  const visitor = await context.newPage()
  await visitor.goto(`${stack.demoUrl}?page-lang=und`)
  await expect(visitor.getByRole('button', { name: 'Abrir chat' })).toBeVisible()
  await context.close()
})

test('a site owner tries the demo on a Brazilian phone: the shop and the chat in Portuguese, then in English and Spanish from its language links', async ({
  browser,
  stack,
}) => {
  const context = await browser.newContext({
    locale: 'pt-BR',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  })
  const page = await context.newPage()
  await page.goto(stack.demoUrl)
  await expect(page.getByRole('heading', { name: 'Casa da Trilha' })).toBeVisible()
  await expect(page.getByText('R$ 1.449,90')).toBeVisible()
  const languages = page.getByRole('navigation', { name: 'Idioma' })
  await expect(languages.getByRole('link', { name: 'Português' })).toHaveAttribute(
    'aria-current',
    'true',
  )
  await page.getByRole('button', { name: 'Fale com a gente' }).click()
  const chat = page.getByRole('dialog', { name: 'Fale conosco' })
  await expect(chat.getByRole('textbox', { name: 'Mensagem' })).toBeVisible()
  await chat.getByRole('button', { name: 'Minimizar' }).click()

  await languages.getByRole('link', { name: 'English' }).click()
  await expect(page.getByRole('button', { name: 'Talk to us' })).toBeVisible()
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
  await expect(page.getByText('R$1,449.90')).toBeVisible()
  await page.getByRole('button', { name: 'Talk to us' }).click()
  await expect(page.getByRole('dialog', { name: 'Chat with us' })).toBeVisible()
  await page.getByRole('button', { name: 'Minimize' }).click()

  await page
    .getByRole('navigation', { name: 'Language' })
    .getByRole('link', { name: 'Español' })
    .click()
  await page.getByRole('button', { name: 'Habla con nosotros' }).click()
  await expect(page.getByRole('dialog', { name: 'Chatea con nosotros' })).toBeVisible()
  await context.close()
})
