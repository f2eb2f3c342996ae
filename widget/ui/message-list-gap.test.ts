// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact'
import { h } from 'preact'
import { afterEach, describe, expect, it } from 'vitest'
import { createConversationModel } from '../conversation/model.ts'
import { loadLanguage } from '../i18n/text.ts'
import { createFakeTransport, ongoingSession } from '../testing/fakes.ts'
import { MessageList } from './MessageList.tsx'

afterEach(async () => {
  cleanup()
  await loadLanguage('en')
})

/** A conversation reloaded after the proxy dropped its oldest events: `reset`, then what it keeps. */
function reloadedAfterGap() {
  const fake = createFakeTransport()
  const model = createConversationModel({
    transport: fake.transport,
    session: ongoingSession(),
    startContext: () => ({}),
    newClientId: () => 'client-1',
  })
  model.restore()
  fake.reset()
  fake.emit({ type: 'message', author: 'agent', messageId: 'a9', text: 'Still kept' }, 9)
  return model
}

describe('the message log after the proxy dropped earlier events', () => {
  it('says, above what is kept, that earlier messages could not be recovered', () => {
    render(h(MessageList, { model: reloadedAfterGap(), greeting: undefined }))
    const log = screen.getByRole('log')
    expect(log.textContent).toMatch(/^Some earlier messages could not be recovered\..*Still kept/)
  })

  it('says it in the page’s language', async () => {
    await loadLanguage('pt-BR')
    render(h(MessageList, { model: reloadedAfterGap(), greeting: undefined }))
    expect(
      screen.getByText('Não foi possível recuperar algumas mensagens anteriores.'),
    ).toBeTruthy()
  })
})
